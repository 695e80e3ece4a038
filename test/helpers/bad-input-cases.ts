/**
 * The bad-input run of the public API (test/bad-input.test.ts runs it in a child process, with no
 * audio backend so that device calls answer the same everywhere). Every call here is invalid and
 * must throw a TypeError/RangeError with an argument code, or a RingmixError with the state code
 * named; a few valid look-alikes ('ok' controls) must succeed, proving the run is not refusing
 * everything.
 */
import { apiCalls } from './bad-input-api';
import { ARG, GAIN, Mixer, RingmixError, badSelectors, bare, on, state } from './bad-input-fixture';
import { badNumberValues, badNumbers, hostileObjects, notBooleans, notNumbers, notPlainObjects, notStrings, type Value } from './bad-values';
import { describeThrown, type Case, type Expect, type Prepared } from './calls';

/** The cases: constructor and options here, the rest of the API in bad-input-api.ts. */
export function cases(): Case[] {
  const list: Case[] = [];
  const add = (what: string, expect: Expect, prepare: () => Prepared) => list.push({ what, expect, prepare });

  // new Mixer(options)
  for (const [label, make] of notPlainObjects) add(`new Mixer(${label})`, ARG, bare(() => new Mixer(make() as never)));
  for (const [label, make] of hostileObjects('sampleRate', 48000, NaN)) {
    add(`new Mixer(${label})`, ARG, bare(() => new Mixer(make() as never)));
  }
  for (const key of ['sampelRate', 'rampMs', 'meterWindowMs', 'SampleRate', '']) {
    add(`new Mixer({ '${key}': 1 })`, ARG, bare(() => new Mixer({ [key]: 1 } as never)));
  }
  const mixerNumbers = {
    sampleRate: { min: 8000, max: 192000, integer: true },
    periodFrames: { min: 16, max: 4096, integer: true },
    metricsIntervalMs: { min: 10, max: 60000, integer: true },
    channels: { min: 1, max: 2, integer: true },
  };
  for (const [key, range] of Object.entries(mixerNumbers)) {
    for (const [label, make] of badNumberValues(range)) {
      add(`new Mixer({ ${key}: ${label} })`, ARG, bare(() => new Mixer({ [key]: make() } as never)));
    }
  }
  const badClocks: Value[] = [
    ...["'wallclock'", "''", "'Virtual'", "'device'", "'output'", "' simulated'"].map((l): Value => [l, () => l.slice(1, -1)]),
    ...notNumbers.filter(([l]) => l !== '{}' && l !== "''"),
    ['0', () => 0],
    ['{}', () => ({})],
    ["{ output: 'default', input: 'default' }", () => ({ output: 'default', input: 'default' })],
    ...hostileObjects('output', 'default', -1),
    ...badSelectors.map(([label, make]): Value => [`{ output: ${label} }`, () => ({ output: make() })]),
  ];
  for (const [label, make] of badClocks) add(`new Mixer({ clock: ${label} })`, ARG, bare(() => new Mixer({ clock: make() } as never)));
  add("new Mixer({ clock: { output: 'default' } }) without an audio backend", state('ERR_NO_AUDIO_BACKEND'), bare(() => new Mixer({ clock: { output: 'default' } })));

  // mixer.addInput(options): the strip options
  const addInput = (label: string, options: () => unknown) =>
    add(`mixer.addInput(${label})`, ARG, on((f) => f.mixer.addInput(options() as never)));
  for (const [label, make] of [...notPlainObjects, ['undefined', () => undefined] as Value, ['{}', () => ({})] as Value]) {
    addInput(label, make);
  }
  for (const [label, make] of hostileObjects('source', { generator: 'sine' }, 'sine')) addInput(label, make);
  for (const key of ['colour', 'volume', 'channels', 'id']) addInput(`{ source, ${key}: 1 }`, () => ({ source: { generator: 'sine' }, [key]: 1 }));
  const strip: Array<[string, Value[]]> = [
    ['gainDb', badNumberValues(GAIN)],
    ['pan', badNumberValues({ min: -1, max: 1 })],
    ['muted', [...notBooleans]],
    ['solo', [...notBooleans]],
    ['name', [...notStrings]],
  ];
  for (const [key, values] of strip) {
    for (const [label, make] of values) addInput(`{ source, ${key}: ${label} }`, () => ({ source: { generator: 'sine' }, [key]: make() }));
  }

  // Sources
  const source = (label: string, make: () => unknown, expect: Expect = ARG, clock: 'simulated' | 'virtual' = 'simulated') =>
    add(`mixer.addInput({ source: ${label} })${clock === 'virtual' ? ' (virtual clock)' : ''}`, expect, on((f) => f.mixer.addInput({ source: make() as never }), { clock }));
  for (const [label, make] of [...notPlainObjects, ['{}', () => ({})] as Value]) source(label, make);
  for (const [label, make] of hostileObjects('generator', 'sine', 'square')) source(label, make);
  const mixed: Array<[string, object]> = [
    ["{ generator: 'sine', push: { channels: 1 } }", { generator: 'sine', push: { channels: 1 } }],
    ["{ generator: 'sine', device: 'default' }", { generator: 'sine', device: 'default' }],
    ["{ push: { channels: 1 }, device: 'default' }", { push: { channels: 1 }, device: 'default' }],
    ['{ push: { channels: 1 }, frequency: 440 }', { push: { channels: 1 }, frequency: 440 }],
    ["{ device: 'default', levelDb: -6 }", { device: 'default', levelDb: -6 }],
    ["{ generator: 'sine', channels: [0] }", { generator: 'sine', channels: [0] }],
    ["{ generator: 'sine', volume: 1 }", { generator: 'sine', volume: 1 }],
  ];
  for (const [label, value] of mixed) source(label, () => value);
  const generators: Value[] = [
    ...["'square'", "''", "'SINE'", "'sine '"].map((l): Value => [l, () => l.slice(1, -1)]),
    ...notStrings,
  ];
  for (const [label, make] of generators) source(`{ generator: ${label} }`, () => ({ generator: make() }));
  const generatorNumbers = {
    frequency: { min: 0, max: 24000, exclusiveMin: true, exclusiveMax: true },
    levelDb: { min: -144, max: 0 },
    intervalMs: { min: 1, max: 60000 },
    clockPpm: { min: -100000, max: 100000 },
  };
  for (const [key, range] of Object.entries(generatorNumbers)) {
    for (const [label, make] of badNumberValues(range)) {
      source(`{ generator: 'sine', ${key}: ${label} }`, () => ({ generator: 'sine', [key]: make() }));
    }
  }
  const pushes: Value[] = [
    ...notPlainObjects,
    ['{}', () => ({})],
    ...hostileObjects('channels', 1, 3),
    ...badNumberValues({ min: 1, max: 2, integer: true }).map(([l, m]): Value => [`{ channels: ${l} }`, () => ({ channels: m() })]),
    ...badNumberValues({ min: 8000, max: 192000, integer: true }).map(([l, m]): Value => [
      `{ channels: 1, sampleRate: ${l} }`,
      () => ({ channels: 1, sampleRate: m() }),
    ]),
    ['{ channels: 1, sampleRate: 44100 } (not the mixer rate)', () => ({ channels: 1, sampleRate: 44100 })],
    ['{ channels: 1, format: "f32" }', () => ({ channels: 1, format: 'f32' })],
  ];
  for (const [label, make] of pushes) source(`{ push: ${label} }`, () => ({ push: make() }));
  for (const [label, make] of badSelectors) source(`{ device: ${label} }`, () => ({ device: make() }), ARG, 'virtual');
  const channelLists: Value[] = [
    ["'all'", () => 'all'],
    ['0', () => 0],
    ['{}', () => ({})],
    ['null', () => null],
    ['[]', () => []],
    ['[0, 1, 2]', () => [0, 1, 2]],
    ...badNumbers({ min: 0, max: 2 ** 53 - 1, integer: true }).map(([l, m]): Value => [`[${l}]`, () => [m()]]),
    ...notNumbers.map(([l, m]): Value => [`[${l}]`, () => [m()]]),
    ['[, 1] (a hole)', () => [, 1]],
    ['a Proxy of [0] whose get trap throws', () => new Proxy([0], { get: () => { throw new Error('trap'); } })],
    ["a Proxy of [0] whose length is 'x'", () => new Proxy([0], { get: (t, k) => (k === 'length' ? 'x' : Reflect.get(t, k)) })],
    ['a Proxy of [0] whose length is 1e9', () => new Proxy([0], { get: (t, k) => (k === 'length' ? 1e9 : Reflect.get(t, k)) })],
    ['{ length: 1, 0: 0 }', () => ({ length: 1, 0: 0 })],
    ['new Int32Array([0])', () => new Int32Array([0])],
  ];
  for (const [label, make] of channelLists) {
    source(`{ device: 'default', channels: ${label} }`, () => ({ device: 'default', channels: make() }), ARG, 'virtual');
  }
  const noBackend = state('ERR_NO_AUDIO_BACKEND');
  source("{ device: 'default' } without an audio backend", () => ({ device: 'default' }), noBackend, 'virtual');
  source('{ device: 0, channels: [0] } without an audio backend', () => ({ device: 0, channels: [0] }), noBackend, 'virtual');
  source("{ device: { name: 'system', hostApi: 'JACK' } } without an audio backend", () => ({ device: { name: 'system', hostApi: 'JACK' } }), noBackend, 'virtual');
  source("{ device: 'default' } on a simulated clock", () => ({ device: 'default' }), state('ERR_WRONG_CLOCK'));

  return [...list, ...apiCalls()];
}

/** A TypeError/RangeError with an argument code, or the RingmixError the case names. */
export function judge(thrown: unknown, expect: Expect): string | null {
  const { code } = describeThrown(thrown);
  if (typeof code !== 'string') return 'threw an error without a code';
  if (expect === 'argument') {
    if (thrown instanceof TypeError && (code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_UNKNOWN_OPTION')) return null;
    if (thrown instanceof RangeError && code === 'ERR_OUT_OF_RANGE') return null;
    return 'expected a TypeError or RangeError with an argument code';
  }
  if (typeof expect === 'object' && 'state' in expect) {
    return thrown instanceof RingmixError && code === expect.state ? null : `expected RingmixError ${expect.state}`;
  }
  return thrown instanceof RingmixError ? null : 'expected a RingmixError';
}
