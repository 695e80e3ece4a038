/**
 * The master strip: gain applied to the whole mix.
 */
import { callNative } from './errors';
import { checkGainDb } from './input';
import type { NativeMixer } from './native';

/** The master strip, `mixer.master`: its setters throw ERR_CLOSED once the mixer is closed. */
export class Master {
  #gainDb = 0;
  readonly #engine: () => NativeMixer;
  /** @internal */
  constructor(engine: () => NativeMixer) {
    this.#engine = engine;
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
}
