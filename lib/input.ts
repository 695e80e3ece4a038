/**
 * One input of a mixer: its channel-strip settings and, for push sources, the way JS feeds it.
 */
import { Writable } from 'node:stream';
import { RingmixError, callNative, rangeError, typeError } from './errors';
import type { NativeMixer, StripParam } from './native';
import { frozen } from './dsp-options';
import { compressorView, nativeStrip, updateStrip, type SidechainResolver, type StripBlock, type StripDsp } from './strip-dsp';
import type {
  CompressorOptions,
  CompressorSettings,
  EqOptions,
  EqSettings,
  GateOptions,
  GateSettings,
  HighPassOptions,
  HighPassSettings,
} from './types';
import { checkBoolean, checkFloat32Array, checkNumber } from './validate';

/** What an Input needs from its mixer. @internal */
export interface InputHost {
  /** The engine; throws ERR_CLOSED once the mixer is closed. */
  engine(): NativeMixer;
  /** Checks a compressor's sidechain option (an Input of this mixer, or null). */
  sidechain: SidechainResolver;
  readonly periodMs: number;
  readonly sampleRate: number;
  inputRemoved(input: Input): void;
}

/** @internal */
export interface InputInit {
  id: number;
  name: string;
  gainDb: number;
  pan: number;
  muted: boolean;
  solo: boolean;
  /** Channels of a push source; null for other sources. */
  pushChannels: 1 | 2 | null;
  /** A generator's clock offset in ppm; null for other sources. */
  clockPpm: number | null;
  dsp: StripDsp;
}

export const GAIN_MIN_DB = -144;
export const GAIN_MAX_DB = 24;

/** @internal */
export function checkGainDb(value: unknown, name: string): number {
  return checkNumber(value, name, GAIN_MIN_DB, GAIN_MAX_DB, { allowMinusInfinity: true });
}

/**
 * An input channel. Setting `gainDb`, `pan`, `muted` or `solo` sends a command that the mix applies
 * on its next cycle, ramped over 10 ms so there is no click.
 */
export class Input {
  /** Stable id, as in metrics. */
  readonly id: number;
  /** Label used in metrics. */
  readonly name: string;
  readonly #host: InputHost;
  readonly #pushChannels: 1 | 2 | null;
  #clockPpm: number | null;
  #gainDb: number;
  #pan: number;
  #muted: boolean;
  #solo: boolean;
  #dsp: StripDsp;
  #removed = false;

  /** @internal */
  constructor(host: InputHost, init: InputInit) {
    this.#host = host;
    this.id = init.id;
    this.name = init.name;
    this.#gainDb = init.gainDb;
    this.#pan = init.pan;
    this.#muted = init.muted;
    this.#solo = init.solo;
    this.#pushChannels = init.pushChannels;
    this.#clockPpm = init.clockPpm;
    this.#dsp = init.dsp;
  }

  /**
   * High-pass filter, first in the strip (see {@link HighPassSettings}). Assigning merges into the
   * current settings and enables it (unless `enabled: false`); `null` bypasses it. Applied on the
   * next cycle, crossfaded: no click.
   */
  get highPass(): Readonly<HighPassSettings> {
    return frozen(this.#dsp.highPass);
  }
  set highPass(value: HighPassOptions | null) {
    this.#setDsp('highPass', value);
  }
  /** Noise gate, after the high-pass (see {@link GateSettings}); assigned like `highPass`. */
  get gate(): Readonly<GateSettings> {
    return frozen(this.#dsp.gate);
  }
  set gate(value: GateOptions | null) {
    this.#setDsp('gate', value);
  }
  /** 3-band EQ, after the gate (see {@link EqSettings}); a band's fields merge too. */
  get eq(): Readonly<EqSettings> {
    return frozen(this.#dsp.eq);
  }
  set eq(value: EqOptions | null) {
    this.#setDsp('eq', value);
  }
  /**
   * Compressor, last before the fader (see {@link CompressorSettings}). `sidechain: otherInput`
   * ducks this input under that one (`null`: its own signal again).
   */
  get compressor(): Readonly<CompressorSettings> {
    return Object.freeze(compressorView(this.#dsp));
  }
  set compressor(value: CompressorOptions | null) {
    this.#setDsp('compressor', value);
  }

  /** Fader gain in dB (-144–24, or -Infinity for off). */
  get gainDb(): number {
    return this.#gainDb;
  }
  set gainDb(value: number) {
    const engine = this.#live();
    const v = checkGainDb(value, 'gainDb');
    this.#send(engine, 'gainDb', v);
    this.#gainDb = v;
  }

  /** Pan, -1 (left) … 1 (right): constant power for mono inputs, balance for stereo ones. */
  get pan(): number {
    return this.#pan;
  }
  set pan(value: number) {
    const engine = this.#live();
    const v = checkNumber(value, 'pan', -1, 1);
    this.#send(engine, 'pan', v);
    this.#pan = v;
  }

  get muted(): boolean {
    return this.#muted;
  }
  set muted(value: boolean) {
    const engine = this.#live();
    const v = checkBoolean(value, 'muted');
    this.#send(engine, 'muted', v);
    this.#muted = v;
  }

  /** While any input is soloed, only soloed inputs are heard. */
  get solo(): boolean {
    return this.#solo;
  }
  set solo(value: boolean) {
    const engine = this.#live();
    const v = checkBoolean(value, 'solo');
    this.#send(engine, 'solo', v);
    this.#solo = v;
  }

  /**
   * A generator's clock offset from the master in ppm (-100000–100000), changeable while it runs
   * (like a crystal warming up); null for other sources, which cannot be set.
   */
  get clockPpm(): number | null {
    return this.#clockPpm;
  }
  set clockPpm(value: number | null) {
    const engine = this.#live();
    if (this.#clockPpm === null) throw typeError('clockPpm can only be set on a generator input');
    const v = checkNumber(value, 'clockPpm', -100000, 100000);
    this.#send(engine, 'clockPpm', v);
    this.#clockPpm = v;
  }

  /** Channels of a push input (1 or 2); null for other sources. */
  get channels(): 1 | 2 | null {
    return this.#pushChannels;
  }

  /** True after {@link Input.remove}. */
  get removed(): boolean {
    return this.#removed;
  }

  /**
   * Takes the input out of the mix (from the next cycle) and frees it. Idempotent while the mixer
   * is open; throws ERR_CLOSED once it is closed (closing freed every input).
   */
  remove(): void {
    const engine = this.#host.engine();
    if (this.#removed) return;
    callNative(() => engine.removeInput(this.id));
    this.#removed = true;
    this.#host.inputRemoved(this);
  }

  /**
   * Push inputs: queues interleaved frames for the mix. Returns how many frames fitted; the rest
   * is yours to write again later (the ring is full: backpressure). Never blocks.
   */
  write(data: Float32Array): number {
    const engine = this.#live();
    const channels = this.#requirePush('write');
    const { array, length } = checkFloat32Array(data, 'data');
    if (length % channels !== 0) {
      throw rangeError(`data length must be a multiple of the input's channels (${channels}), got ${length}`);
    }
    return callNative(() => engine.write(this.id, array, channels));
  }

  /** Push inputs: frames that {@link Input.write} would accept right now. */
  writableFrames(): number {
    const engine = this.#live();
    this.#requirePush('writableFrames');
    return callNative(() => engine.writable(this.id));
  }

  /**
   * Push inputs: a Node `Writable` taking interleaved 32-bit float samples (native byte order) as
   * Buffers. It applies backpressure while the input's ring is full, so piping a fast source into
   * it never loses audio.
   */
  writable(): Writable {
    this.#live();
    const channels = this.#requirePush('writable');
    const frameBytes = 4 * channels;
    let carry = Buffer.alloc(0); // bytes of an incomplete frame from the previous chunk
    return new Writable({
      highWaterMark: frameBytes * this.#host.sampleRate, // about a second buffered upstream
      write: (chunk: Buffer, _encoding, callback) => {
        const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        const whole = bytes.length - (bytes.length % frameBytes);
        carry = Buffer.from(bytes.subarray(whole));
        // Copy into an aligned buffer: Float32Array views need 4-byte alignment.
        const samples = new Float32Array(whole / 4);
        Buffer.from(samples.buffer).set(bytes.subarray(0, whole));
        let offset = 0;
        const pump = (): void => {
          try {
            offset += this.write(samples.subarray(offset)) * channels;
          } catch (err) {
            callback(err as Error);
            return;
          }
          if (offset < samples.length) setTimeout(pump, this.#host.periodMs);
          else callback();
        };
        pump();
      },
    });
  }

  /**
   * The engine, for a call on this input: state errors come before argument errors, so a call on
   * a closed mixer (ERR_CLOSED) or a removed input (ERR_INPUT_REMOVED) says so whatever its
   * arguments.
   */
  #live(): NativeMixer {
    const engine = this.#host.engine();
    if (this.#removed) throw new RingmixError('ERR_INPUT_REMOVED', `input ${this.id} was removed`);
    return engine;
  }

  #requirePush(method: string): 1 | 2 {
    if (this.#pushChannels === null) {
      throw typeError(`${method}() is only for push inputs (source: { push: { channels } })`);
    }
    return this.#pushChannels;
  }

  #setDsp(block: StripBlock, value: unknown): void {
    const engine = this.#live();
    const next = updateStrip(this.#dsp, block, value, this.#host.sampleRate, this.#host.sidechain, this);
    callNative(() => engine.setDsp(this.id, nativeStrip(next)));
    this.#dsp = next;
  }

  #send(engine: NativeMixer, param: StripParam, value: number | boolean): void {
    callNative(() => engine.set(param, this.id, value));
  }
}
