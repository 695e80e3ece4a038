/**
 * The bad-input run, continued: setters, write(), taps, advance(), outputs, events and devices,
 * every call in the wrong state (closed, removed, wrong clock, full), bad calls on a polluted
 * Object.prototype, and the valid controls.
 */
import { buildInfo, listDevices, listHostApis } from '../..';
import { ARG, GAIN, Mixer, badSelectors, bare, closed, on, state, type Fixture } from './bad-input-fixture';
import { badNumberValues, hostileObjects, notBooleans, notPlainObjects, revokedProxy, type Value } from './bad-values';
import type { Case, Expect, Prepared } from './calls';
import { withPollutedPrototype } from './pollute';

/** Data that is not a Float32Array input.write() can take. */
function badData(): Value[] {
  const detached = (length: number) => () => {
    const a = new Float32Array(length);
    structuredClone(a.buffer, { transfer: [a.buffer] });
    return a;
  };
  return [
    ['null', () => null],
    ['undefined', () => undefined],
    ['5', () => 5],
    ["'abc'", () => 'abc'],
    ['[0, 0]', () => [0, 0]],
    ['{}', () => ({})],
    ['{ length: 2 }', () => ({ length: 2 })],
    ['{ 0: 0, 1: 0, length: 2 }', () => ({ 0: 0, 1: 0, length: 2 })],
    ["Symbol('d')", () => Symbol('d')],
    ['1n', () => 1n],
    ['new ArrayBuffer(8)', () => new ArrayBuffer(8)],
    ['new SharedArrayBuffer(8)', () => new SharedArrayBuffer(8)],
    ['new DataView(new ArrayBuffer(8))', () => new DataView(new ArrayBuffer(8))],
    ['Buffer.alloc(8)', () => Buffer.alloc(8)],
    ['new Float64Array(2)', () => new Float64Array(2)],
    ['new Int16Array(2)', () => new Int16Array(2)],
    ['new Int32Array(2)', () => new Int32Array(2)],
    ['new Uint8ClampedArray(8)', () => new Uint8ClampedArray(8)],
    ['new BigInt64Array(2)', () => new BigInt64Array(2)],
    ['Object.create(Float32Array.prototype)', () => Object.create(Float32Array.prototype)],
    ['{ length: 2 } with Float32Array.prototype', () => Object.setPrototypeOf({ length: 2 }, Float32Array.prototype)],
    ['new Proxy(new Float32Array(2), {})', () => new Proxy(new Float32Array(2), {})],
    [
      'a Proxy of a Float32Array claiming length 1e9',
      () => new Proxy(new Float32Array(2), { get: (t, k) => (k === 'length' ? 1e9 : Reflect.get(t, k)) }),
    ],
    ['a revoked Proxy', () => revokedProxy()],
    ['a detached Float32Array(2)', detached(2)],
    ['a detached Float32Array(0)', detached(0)],
  ];
}

export function apiCalls(): Case[] {
  const list: Case[] = [];
  const add = (what: string, expect: Expect, prepare: () => Prepared) => list.push({ what, expect, prepare });
  const CLOSED = state('ERR_CLOSED');
  const REMOVED = state('ERR_INPUT_REMOVED');
  const WRONG_CLOCK = state('ERR_WRONG_CLOCK');

  // Setters
  const setters: Array<[string, (f: Fixture, v: unknown) => void, Value[]]> = [
    ['input.gainDb', (f, v) => void (f.gen.gainDb = v as number), badNumberValues(GAIN)],
    ['input.pan', (f, v) => void (f.gen.pan = v as number), badNumberValues({ min: -1, max: 1 })],
    ['input.muted', (f, v) => void (f.gen.muted = v as boolean), [...notBooleans]],
    ['input.solo', (f, v) => void (f.gen.solo = v as boolean), [...notBooleans]],
    ['mixer.master.gainDb', (f, v) => void (f.mixer.master.gainDb = v as number), badNumberValues(GAIN)],
  ];
  for (const [name, set, values] of setters) {
    for (const [label, make] of values) add(`${name} = ${label}`, ARG, on((f) => set(f, make())));
  }

  // input.write() and friends
  for (const input of ['mono', 'stereo'] as const) {
    for (const [label, make] of badData()) add(`${input}.write(${label})`, ARG, on((f) => f[input].write(make() as never)));
  }
  for (const length of [1, 3, 5, 2 ** 20 + 1, 2 ** 24 + 1]) {
    add(`stereo.write(new Float32Array(${length}))`, ARG, on((f) => f.stereo.write(new Float32Array(length))));
  }
  add('generator.write(new Float32Array(2))', ARG, on((f) => f.gen.write(new Float32Array(2))));
  add('generator.writableFrames()', ARG, on((f) => f.gen.writableFrames()));
  add('generator.writable()', ARG, on((f) => f.gen.writable()));

  // Taps
  for (const [label, make] of [...notPlainObjects, ...hostileObjects('capacityFrames', 4800, 1)]) {
    add(`mixer.tap(${label})`, ARG, on((f) => f.mixer.tap(make() as never)));
  }
  add('mixer.tap({ size: 4800 })', ARG, on((f) => f.mixer.tap({ size: 4800 } as never)));
  for (const [label, make] of badNumberValues({ min: 256, max: 96000, integer: true })) {
    add(`mixer.tap({ capacityFrames: ${label} })`, ARG, on((f) => f.mixer.tap({ capacityFrames: make() as number })));
  }
  for (const [label, make] of badNumberValues({ min: 0, max: 2 ** 24, integer: true })) {
    add(`tap.read(${label})`, ARG, on((f) => f.tap.read(make() as number)));
  }

  // advance(), start(), stop()
  for (const [label, make] of badNumberValues({ min: 0, max: Number.MAX_SAFE_INTEGER, integer: true })) {
    add(`mixer.advance(${label})`, ARG, on((f) => f.mixer.advance(make() as number)));
  }
  add('mixer.advance()', ARG, on((f) => (f.mixer.advance as () => void)()));
  add('mixer.start() on a simulated clock', WRONG_CLOCK, on((f) => f.mixer.start()));
  add('mixer.stop() on a simulated clock', WRONG_CLOCK, on((f) => f.mixer.stop()));
  add('mixer.advance(256) on a virtual clock', WRONG_CLOCK, on((f) => f.mixer.advance(256), { clock: 'virtual' }));

  // addOutput()
  const output = (label: string, make: () => unknown, expect: Expect = ARG, clock: 'simulated' | 'virtual' = 'virtual') =>
    add(`mixer.addOutput(${label})${clock === 'simulated' ? ' on a simulated clock' : ''}`, expect, on((f) => f.mixer.addOutput(make() as never), { clock }));
  for (const [label, make] of [...notPlainObjects, ['undefined', () => undefined] as Value, ['{}', () => ({})] as Value]) output(label, make);
  for (const [label, make] of hostileObjects('device', 'default', -1)) output(label, make);
  for (const [label, make] of badSelectors) output(`{ device: ${label} }`, () => ({ device: make() }));
  output("{ device: 'default', channels: 2 }", () => ({ device: 'default', channels: 2 }));
  output("{ device: 'default' } without an audio backend", () => ({ device: 'default' }), state('ERR_NO_AUDIO_BACKEND'));
  output("{ device: 'default' }", () => ({ device: 'default' }), WRONG_CLOCK, 'simulated');

  // Events (Node's own checks) and devices
  add("mixer.on('metrics', 5)", ARG, on((f) => f.mixer.on('metrics', 5 as never)));
  add("mixer.once('error', null)", ARG, on((f) => f.mixer.once('error', null as never)));
  add('listDevices() without an audio backend', state('ERR_NO_AUDIO_BACKEND'), bare(() => listDevices()));
  add('listHostApis() without an audio backend', state('ERR_NO_AUDIO_BACKEND'), bare(() => listHostApis()));

  // Every call on a closed mixer: ERR_CLOSED, whatever its arguments.
  const afterClose: Array<[string, (f: Fixture) => unknown, 'simulated' | 'virtual']> = [
    ["mixer.addInput({ source: { generator: 'sine' } })", (f) => f.mixer.addInput({ source: { generator: 'sine' } }), 'simulated'],
    ['mixer.addInput(null)', (f) => f.mixer.addInput(null as never), 'simulated'],
    ['mixer.tap()', (f) => f.mixer.tap(), 'simulated'],
    ['mixer.tap({ capacityFrames: -1 })', (f) => f.mixer.tap({ capacityFrames: -1 }), 'simulated'],
    ["mixer.addOutput({ device: 'default' })", (f) => f.mixer.addOutput({ device: 'default' }), 'virtual'],
    ['mixer.addOutput(5)', (f) => f.mixer.addOutput(5 as never), 'virtual'],
    ['mixer.start()', (f) => f.mixer.start(), 'virtual'],
    ['mixer.stop()', (f) => f.mixer.stop(), 'virtual'],
    ['mixer.advance(256)', (f) => f.mixer.advance(256), 'simulated'],
    ['mixer.advance(NaN)', (f) => f.mixer.advance(NaN), 'simulated'],
    ['mixer.metrics()', (f) => f.mixer.metrics(), 'simulated'],
    ['mixer.master.gainDb = -6', (f) => void (f.mixer.master.gainDb = -6), 'simulated'],
    ['mixer.master.gainDb = NaN', (f) => void (f.mixer.master.gainDb = NaN), 'simulated'],
    ['input.gainDb = -6', (f) => void (f.gen.gainDb = -6), 'simulated'],
    ["input.gainDb = 'x'", (f) => void (f.gen.gainDb = 'x' as never), 'simulated'],
    ['input.pan = 0.5', (f) => void (f.gen.pan = 0.5), 'simulated'],
    ['input.pan = 2', (f) => void (f.gen.pan = 2), 'simulated'],
    ['input.muted = true', (f) => void (f.gen.muted = true), 'simulated'],
    ['input.muted = 1', (f) => void (f.gen.muted = 1 as never), 'simulated'],
    ['input.solo = true', (f) => void (f.gen.solo = true), 'simulated'],
    ['input.solo = null', (f) => void (f.gen.solo = null as never), 'simulated'],
    ['input.remove()', (f) => f.gen.remove(), 'simulated'],
    ['mono.write(new Float32Array(2))', (f) => f.mono.write(new Float32Array(2)), 'simulated'],
    ['mono.write(null)', (f) => f.mono.write(null as never), 'simulated'],
    ['stereo.write(new Float32Array(3))', (f) => f.stereo.write(new Float32Array(3)), 'simulated'],
    ['generator.write(new Float32Array(2))', (f) => f.gen.write(new Float32Array(2)), 'simulated'],
    ['mono.writableFrames()', (f) => f.mono.writableFrames(), 'simulated'],
    ['mono.writable()', (f) => f.mono.writable(), 'simulated'],
    ['tap.read()', (f) => f.tap.read(), 'simulated'],
    ['tap.read(-1)', (f) => f.tap.read(-1), 'simulated'],
    ['tap.readable()', (f) => f.tap.readable(), 'simulated'],
    ['tap.lagFrames', (f) => f.tap.lagFrames, 'simulated'],
    ['tap.dropouts', (f) => f.tap.dropouts, 'simulated'],
    ['tap.lostFrames', (f) => f.tap.lostFrames, 'simulated'],
  ];
  for (const [what, call, clock] of afterClose) add(`after close(): ${what}`, CLOSED, on(call, { clock, before: closed }));

  // A removed input, a closed tap
  const removed = (f: Fixture) => {
    f.gen.remove();
    f.mono.remove();
  };
  const afterRemove: Array<[string, (f: Fixture) => unknown]> = [
    ['input.gainDb = -6', (f) => void (f.gen.gainDb = -6)],
    ['input.gainDb = NaN', (f) => void (f.gen.gainDb = NaN)],
    ['input.pan = 0', (f) => void (f.gen.pan = 0)],
    ['input.pan = 5', (f) => void (f.gen.pan = 5)],
    ['input.muted = false', (f) => void (f.gen.muted = false)],
    ['input.solo = false', (f) => void (f.gen.solo = false)],
    ['input.solo = 0', (f) => void (f.gen.solo = 0 as never)],
    ['mono.write(new Float32Array(1))', (f) => f.mono.write(new Float32Array(1))],
    ["mono.write('x')", (f) => f.mono.write('x' as never)],
    ['mono.writableFrames()', (f) => f.mono.writableFrames()],
    ['mono.writable()', (f) => f.mono.writable()],
    ['generator.writable()', (f) => f.gen.writable()],
  ];
  for (const [what, call] of afterRemove) add(`after input.remove(): ${what}`, REMOVED, on(call, { before: removed }));
  const tapClosed = (f: Fixture) => f.tap.close();
  for (const [what, call] of [
    ['tap.read()', (f: Fixture) => f.tap.read()],
    ['tap.read(NaN)', (f: Fixture) => f.tap.read(NaN)],
    ['tap.readable()', (f: Fixture) => f.tap.readable()],
    ['tap.lagFrames', (f: Fixture) => f.tap.lagFrames],
    ['tap.dropouts', (f: Fixture) => f.tap.dropouts],
    ['tap.lostFrames', (f: Fixture) => f.tap.lostFrames],
  ] as const) {
    add(`after tap.close(): ${what}`, CLOSED, on(call, { before: tapClosed }));
  }
  const full = (f: Fixture) => {
    while (f.mixer.inputs.length < buildInfo().maxInputs) f.mixer.addInput({ source: { generator: 'silence' } });
  };
  add("one input too many: mixer.addInput({ source: { generator: 'silence' } })", state('ERR_TOO_MANY_INPUTS'), on((f) => f.mixer.addInput({ source: { generator: 'silence' } }), { before: full }));

  // Bad calls while Object.prototype offers the missing (or a valid) value.
  const polluted: Array<[string, Record<string, unknown>, (f: Fixture) => unknown]> = [
    ['mixer.addInput({})', { source: { generator: 'sine' } }, (f) => f.mixer.addInput({} as never)],
    ['mixer.addInput({ source: {} })', { generator: 'sine' }, (f) => f.mixer.addInput({ source: {} as never })],
    ['mixer.addInput({ source: { push: {} } })', { channels: 1 }, (f) => f.mixer.addInput({ source: { push: {} as never } })],
    ['mixer.addOutput({})', { device: 'default' }, (f) => f.mixer.addOutput({} as never)],
    ["mixer.addOutput({ device: { name: 'x' } })", { hostApi: 'ALSA' }, (f) => f.mixer.addOutput({ device: { name: 'x' } as never })],
    ['mixer.tap({ capacityFrames: 1 })', { capacityFrames: 4800 }, (f) => f.mixer.tap({ capacityFrames: 1 })],
    ['new Mixer({ clock: {} })', { output: 'default' }, () => new Mixer({ clock: {} as never })],
    ['new Mixer({ sampleRate: 1 })', { rampMs: 1e7, sampleRate: 48000 }, () => new Mixer({ sampleRate: 1 })],
    ["mixer.addInput({ source: { generator: 'sine', frequency: 0 } })", { frequency: 440 }, (f) => f.mixer.addInput({ source: { generator: 'sine', frequency: 0 } })],
  ];
  for (const [what, props, call] of polluted) {
    const label = Object.keys(props).map((k) => `Object.prototype.${k}`).join(', ');
    add(`${what} with ${label} set`, ARG, on((f) => withPollutedPrototype(props, () => call(f))));
  }
  return [...list, ...controls()];
}

/** Valid look-alikes of bad calls: each must succeed, and do what it says. */
function controls(): Case[] {
  const ok = (what: string, call: (f: Fixture) => unknown, check?: (r: unknown) => void): Case => ({
    what: `control: ${what}`,
    expect: 'ok',
    prepare: () => {
      const p = on(call)();
      return check ? { ...p, check } : p;
    },
  });
  const equal = (want: unknown) => (got: unknown) => {
    if (!Object.is(got, want)) throw new Error(`got ${String(got)}, want ${String(want)}`);
  };
  const clockOf = (r: unknown) => equal('simulated')((r as Mixer).clock);
  const keep = (r: unknown) => void (r as Mixer).close();
  return [
    ok("new Mixer(Object.freeze({ clock: 'simulated' }))", () => new Mixer(Object.freeze({ clock: 'simulated' })), (r) => (clockOf(r), keep(r))),
    ok("new Mixer(null-prototype { clock: 'simulated' })", () => new Mixer(Object.assign(Object.create(null), { clock: 'simulated' })), (r) => (clockOf(r), keep(r))),
    ok("new Mixer(new Proxy({ clock: 'simulated' }, {}))", () => new Mixer(new Proxy({ clock: 'simulated' as const }, {})), (r) => (clockOf(r), keep(r))),
    ok(
      'new Mixer({ clock, get periodFrames() { 128, then NaN } }) reads it once',
      () => {
        let reads = 0;
        return new Mixer({ clock: 'simulated', get periodFrames() { return reads++ ? NaN : 128; } });
      },
      (r) => (equal(128)((r as Mixer).periodFrames), keep(r)),
    ),
    ok(
      "new Mixer({ clock: 'simulated' }) with Object.prototype.sampleRate = 8000, rampMs = 1e7",
      () => withPollutedPrototype({ sampleRate: 8000, rampMs: 1e7 }, () => new Mixer({ clock: 'simulated' })),
      (r) => (equal(48000)((r as Mixer).sampleRate), keep(r)),
    ),
    ok('input.pan = -0', (f) => void (f.gen.pan = -0)),
    ok('input.gainDb = -Infinity', (f) => void (f.gen.gainDb = -Infinity)),
    ok('stereo.write(new Float32Array(0))', (f) => f.stereo.write(new Float32Array(0)), equal(0)),
    ok('stereo.write(Float32Array on a SharedArrayBuffer)', (f) => f.stereo.write(new Float32Array(new SharedArrayBuffer(16))), equal(2)),
    ok('stereo.write(a Float32Array subclass)', (f) => f.stereo.write(new (class Samples extends Float32Array {})(4)), equal(2)),
    ok(
      'stereo.write(new Float32Array(4) whose own length says 3)',
      (f) => f.stereo.write(Object.defineProperty(new Float32Array(4), 'length', { value: 3 })),
      equal(2),
    ),
    ok('tap.read(-0)', (f) => f.tap.read(-0).length, equal(0)),
    ok('mixer.advance(0)', (f) => f.mixer.advance(0)),
    ok('input.remove() twice', (f) => (f.gen.remove(), f.gen.remove())),
    ok('tap.close() after mixer.close()', (f) => (closed(f), f.tap.close())),
    ok('mixer.close() twice', async (f) => (await f.mixer.close(), await f.mixer.close())),
  ];
}
