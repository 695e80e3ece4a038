/**
 * An extra output: another device playing the mix (headphones on a second interface).
 */
import type { DeviceInfo } from './devices';
import { fromNative } from './errors';
import type { NativeMixer } from './native';

/** @internal */
export interface OutputHost {
  engine(): NativeMixer;
  outputRemoved(output: Output): void;
}

export class Output {
  /** Id in `metrics().consumers` (kind 'output'). */
  readonly id: number;
  /** The device it plays on. */
  readonly device: DeviceInfo;
  /** The rate the device runs at (the mix is resampled when it differs). */
  readonly sampleRate: number;
  readonly #host: OutputHost;
  #removed = false;

  /** @internal */
  constructor(host: OutputHost, id: number, device: DeviceInfo, sampleRate: number) {
    this.#host = host;
    this.id = id;
    this.device = device;
    this.sampleRate = sampleRate;
  }

  /** Stops and closes the device stream. Idempotent. */
  remove(): void {
    if (this.#removed) return;
    const engine = this.#host.engine();
    try {
      engine.removeOutput(this.id);
    } catch (err) {
      throw fromNative(err);
    }
    this.#removed = true;
    this.#host.outputRemoved(this);
  }
}
