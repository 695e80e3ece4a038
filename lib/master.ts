/**
 * The master strip: gain applied to the whole mix, then EQ, compressor and the true-peak limiter.
 */
import { frozen } from './dsp-options';
import { RingmixError, callNative } from './errors';
import { checkGainDb } from './input';
import type { NativeMixer } from './native';
import { defaultMasterDsp, nativeMaster, updateMaster, type MasterBlock, type MasterDspState } from './strip-dsp';
import type { CompressorOptions, CompressorSettings, EqOptions, EqSettings, LimiterOptions, LimiterSettings } from './types';

/** The master strip, `mixer.master`: its setters throw ERR_CLOSED once the mixer is closed. */
export class Master {
  #gainDb = 0;
  #dsp: MasterDspState;
  readonly #engine: () => NativeMixer;
  readonly #sampleRate: number;
  readonly #hasLimiter: boolean;
  /** @internal */
  constructor(engine: () => NativeMixer, sampleRate: number, hasLimiter: boolean) {
    this.#engine = engine;
    this.#sampleRate = sampleRate;
    this.#hasLimiter = hasLimiter;
    this.#dsp = defaultMasterDsp(sampleRate);
    if (!hasLimiter) this.#dsp = { ...this.#dsp, limiter: { ...this.#dsp.limiter, enabled: false } };
  }
  /** Master gain in dB (-144–24, or -Infinity), applied on the next cycle with a 10 ms ramp. */
  get gainDb(): number {
    return this.#gainDb;
  }
  set gainDb(value: number) {
    const engine = this.#engine(); // ERR_CLOSED before any argument error
    const v = checkGainDb(value, 'master.gainDb');
    callNative(() => engine.set('masterGainDb', 0, v));
    this.#gainDb = v;
  }
  /** The master's 3-band EQ, after its fader; assigned like an input's `eq`. Default bypassed. */
  get eq(): Readonly<EqSettings> {
    return frozen(this.#dsp.eq);
  }
  set eq(value: EqOptions | null) {
    this.#set('eq', value);
  }
  /** The master's compressor, after its EQ (no sidechain). Default bypassed. */
  get compressor(): Readonly<Omit<CompressorSettings, 'sidechain'>> {
    return frozen(this.#dsp.compressor);
  }
  set compressor(value: Omit<CompressorOptions, 'sidechain'> | null) {
    this.#set('compressor', value);
  }
  /**
   * The look-ahead true-peak limiter, last in the chain: on by default at -1 dBTP, so the mix
   * never clips (see {@link LimiterSettings}). Its look-ahead delays the mix by
   * `metrics().master.latencyFrames`, whether it is enabled or not. A mixer created with
   * `limiter: false` has none (its setter throws `ERR_NO_LIMITER`).
   */
  get limiter(): Readonly<LimiterSettings> {
    return frozen(this.#dsp.limiter);
  }
  set limiter(value: LimiterOptions | null) {
    if (!this.#hasLimiter) {
      this.#engine(); // ERR_CLOSED first
      throw new RingmixError('ERR_NO_LIMITER', 'this mixer was created with limiter: false: its master has no limiter stage');
    }
    this.#set('limiter', value);
  }

  #set(block: MasterBlock, value: unknown): void {
    const engine = this.#engine();
    const next = updateMaster(this.#dsp, block, value, this.#sampleRate);
    callNative(() => engine.setMasterDsp(nativeMaster(next)));
    this.#dsp = next;
  }
}
