/**
 * Fixtures and expectations shared by the bad-input cases (bad-input-cases.ts, bad-input-api.ts).
 */
import { Mixer, RingmixError, type Input, type Tap } from '../..';
import { hostileObjects, type Value } from './bad-values';
import type { Expect, Prepared } from './calls';

export { Mixer, RingmixError };

export const ARG: Expect = 'argument';
export const state = (code: string): Expect => ({ state: code });

/** The range of every gain (inputs, master): dB, or -Infinity for off. */
export const GAIN = { min: -144, max: 24, minusInfinity: true };

/** What every call gets: a fresh simulated (or virtual, never started) mixer and its parts. */
export interface Fixture {
  mixer: Mixer;
  gen: Input;
  mono: Input;
  stereo: Input;
  tap: Tap;
}

export function fixture(clock: 'simulated' | 'virtual' = 'simulated'): Fixture {
  const mixer = new Mixer({ clock });
  return {
    mixer,
    gen: mixer.addInput({ source: { generator: 'sine' } }),
    mono: mixer.addInput({ source: { push: { channels: 1 } } }),
    stereo: mixer.addInput({ source: { push: { channels: 2 } } }),
    tap: mixer.tap(),
  };
}

/** Closes a mixer a bad call returned, should one have succeeded. */
const closeReturned = (r: unknown) => (r instanceof Mixer ? r.close() : undefined);

/** A call on a fresh fixture (after `before`, which puts it in the state the call needs). */
export function on(call: (f: Fixture) => unknown, opts: { clock?: 'simulated' | 'virtual'; before?: (f: Fixture) => void } = {}) {
  return (): Prepared => {
    const f = fixture(opts.clock);
    opts.before?.(f);
    return { call: () => call(f), cleanup: () => f.mixer.close() };
  };
}

/** A call that needs no fixture. */
export const bare = (call: () => unknown) => (): Prepared => ({ call, cleanup: closeReturned });

export const closed = (f: Fixture) => void f.mixer.close();

/** Device selectors of the wrong shape (refused before any device is looked up). */
export const badSelectors: readonly Value[] = [
  ...(
    [
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
      ['-1', -1],
      ['1.5', 1.5],
      ['-1e300', -1e300],
      ['Number.MIN_VALUE', Number.MIN_VALUE],
      ['-(2 ** 31)', -(2 ** 31)],
    ] as const
  ).map(([label, x]): Value => [label, () => x]),
  ['undefined', () => undefined],
  ['true', () => true],
  ['null', () => null],
  ["['default']", () => ['default']],
  ['{}', () => ({})],
  ["{ name: 'x' }", () => ({ name: 'x' })],
  ["{ name: 1, hostApi: 'ALSA' }", () => ({ name: 1, hostApi: 'ALSA' })],
  ["{ name: 'x', hostApi: null }", () => ({ name: 'x', hostApi: null })],
  ["{ name: 'x', hostApi: 'y', index: 0 }", () => ({ name: 'x', hostApi: 'y', index: 0 })],
  ["Symbol('d')", () => Symbol('d')],
  ['1n', () => 1n],
  ["() => 'default'", () => () => 'default'],
  ["new String('default')", () => new String('default')],
  ...hostileObjects('name', 'x', 5).map(([label, make]): Value => [`selector ${label}`, make]),
];
