/**
 * An extra output: another device playing the mix (headphones on a second interface).
 */
import type { DeviceInfo } from './devices';
import { callNative } from './errors';
import type { NativeMixer } from './native';

/** @internal */
export interface OutputHost {
  /** The engine; throws ERR_CLOSED once the mixer is closed. */
  engine(): NativeMixer;
  outputRemoved(output: Output): void;
}

/** Another device playing the mix at its own clock, from {@link Mixer.addOutput}. */
export class Output {
  /** Id in `metrics().consumers` (kind 'output'). */
  readonly id: number;
  /** The device it plays on. */
  readonly device: DeviceInfo;
  /** The rate the device runs at (the mix is resampled when it differs). */
  readonly sampleRate: number;
  readonly #host: OutputHost;
  #removed = false;
  #lostReported = 0;
  #resyncsReported = 0;

  /** @internal */
  constructor(host: OutputHost, id: number, device: DeviceInfo, sampleRate: number) {
    this.#host = host;
    this.id = id;
    this.device = device;
    this.sampleRate = sampleRate;
  }

  /**
   * The frames lost since the last call, given the total lost so far (for the 'dropout' event).
   * @internal
   */
  takeLoss(lostFrames: number): number {
    const delta = lostFrames - this.#lostReported;
    this.#lostReported = lostFrames;
    return delta;
  }

  /**
   * The re-syncs since the last call, given the total so far (for the 'resync' event).
   * @internal
   */
  takeResyncs(resyncs: number): number {
    const delta = resyncs - this.#resyncsReported;
    this.#resyncsReported = resyncs;
    return delta;
  }

  /**
   * Stops and closes the device stream. Idempotent while the mixer is open; throws ERR_CLOSED once
   * it is closed (closing stopped every output).
   */
  remove(): void {
    const engine = this.#host.engine();
    if (this.#removed) return;
    callNative(() => engine.removeOutput(this.id));
    this.#removed = true;
    this.#host.outputRemoved(this);
  }
}
