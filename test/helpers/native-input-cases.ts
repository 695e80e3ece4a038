/**
 * The native-input run (test/native-input.test.ts runs it in a child process): calls the addon
 * directly, with what the TypeScript layer would never pass. Each call must throw an Error with a
 * string code (a TypeError ERR_INVALID_ARG_TYPE, a RangeError ERR_OUT_OF_RANGE, or a state
 * code), never crash, and never be accepted.
 */
import { native } from '../../dist/native';
import type { NativeInputSpec, NativeMixer, NativeMixerOptions, NativeTap } from '../../dist/native';
import { describeThrown, type Case, type Expect, type Prepared } from './calls';

const N = native();
/** The addon exports its Tap class too (not in NativeAddon's type: lib/ never constructs one). */
const { Tap } = N as unknown as { Tap: { new (): NativeTap; prototype: object } };
const CODED: Expect = 'coded';
const CLOSED: Expect = { state: 'ERR_CLOSED' };
/** V8 checks a method's receiver against its class before the addon's code runs. */
const RECEIVER: Expect = { engineTypeError: /Illegal invocation/ };

const base: NativeMixerOptions = { sampleRate: 48000, periodFrames: 256, channels: 2, clock: 'simulated' };
const strip = { gainDb: 0, pan: 0, muted: false, solo: false };
const pushSpec = (channels: number) => ({ ...strip, kind: 'push', channels }) as NativeInputSpec;
const genSpec = { ...strip, kind: 'generator', generator: 'sine', frequency: 440, levelDb: -18, intervalMs: 1000, clockPpm: 0 } as const;

interface Fixture {
  m: NativeMixer;
  mono: number;
  stereo: number;
  gen: number;
  tap: NativeTap;
}

function fixture(clock: 'simulated' | 'virtual' = 'simulated'): Fixture {
  const m = new N.Mixer({ ...base, clock });
  return { m, mono: m.addInput(pushSpec(1)), stereo: m.addInput(pushSpec(2)), gen: m.addInput(genSpec), tap: m.openTap(4800) };
}

const on =
  (call: (f: Fixture) => unknown, opts: { clock?: 'simulated' | 'virtual'; before?: (f: Fixture) => void } = {}) =>
  (): Prepared => {
    const f = fixture(opts.clock);
    opts.before?.(f);
    return { call: () => call(f), cleanup: () => (f.tap.close(), f.m.close()) };
  };
const bare = (call: () => unknown) => (): Prepared => ({
  call,
  cleanup: (r) => (r instanceof N.Mixer ? (r as NativeMixer).close() : undefined),
});
const any = (x: unknown) => x as never;
const boom = () => {
  throw new Error('trap');
};
const detached = () => {
  const a = new Float32Array(2);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
};

/** [label, value] pairs, for the values each option is tried with. */
type Pairs = ReadonlyArray<readonly [string, unknown]>;
const nums = (...xs: Array<number | [string, unknown]>): Pairs => xs.map((x) => (Array.isArray(x) ? x : [Object.is(x, -0) ? '-0' : String(x), x] as const));

export function cases(): Case[] {
  const list: Case[] = [];
  const add = (what: string, prepare: () => Prepared, expect: Expect = CODED) => list.push({ what, expect, prepare });
  const make = (o: unknown) => new N.Mixer(any(o));

  // new Mixer(options)
  add('new Mixer()', bare(() => new (N.Mixer as unknown as new () => NativeMixer)()));
  for (const [label, o] of [['null', null], ['5', 5], ["'fast'", 'fast'], ['[]', []], ['() => {}', () => {}]] as const) {
    add(`new Mixer(${label})`, bare(() => make(o)));
  }
  const ctorOptions: Record<string, Pairs> = {
    sampleRate: nums(NaN, Infinity, -Infinity, 1e300, -1, -0, 48000.5, 192000.5, 2 ** 32 + 48000, 2 ** 64, ['"48000"', '48000'], ['null', null]),
    periodFrames: nums(NaN, Infinity, 1e300, -1, 256.5, 4096.9, 2 ** 32 + 256, ['"256"', '256']),
    channels: nums(NaN, Infinity, -1, 0, 1.5, 2.5, 3, 2 ** 32 + 1, ['"2"', '2']),
    rampMs: nums(NaN, Infinity, -Infinity, -1, 1e300, ['"10"', '10']),
    meterWindowMs: nums(NaN, Infinity, -1, 0, 1e300),
    clock: nums(5, ['null', null], ["'sundial'", 'sundial'], ["''", '']),
  };
  for (const [key, values] of Object.entries(ctorOptions)) {
    for (const [label, value] of values) add(`new Mixer({ ...simulated, ${key}: ${label} })`, bare(() => make({ ...base, [key]: value })));
  }
  const device = { ...base, clock: 'device', deviceIndex: 0, deviceInputChannels: 0, label: 'clock' };
  const deviceOptions: Record<string, Pairs> = {
    deviceIndex: nums(NaN, Infinity, 1e300, -1, 1.5, ["'0'", '0']),
    deviceInputChannels: nums(NaN, -1, 1e300, 1.5),
    label: nums(5, ['null', null]),
  };
  for (const [key, values] of Object.entries(deviceOptions)) {
    for (const [label, value] of values) add(`new Mixer({ clock: 'device', ${key}: ${label} })`, bare(() => make({ ...device, [key]: value })));
  }
  add('new Mixer(Object.create({ ...simulated options })) (all inherited)', bare(() => make(Object.create(base))));
  add('new Mixer(simulated options inheriting rampMs: 1e7)', bare(() => make(Object.assign(Object.create({ rampMs: 1e7 }), base))));
  add('new Mixer(simulated options inheriting meterWindowMs: NaN)', bare(() => make(Object.assign(Object.create({ meterWindowMs: NaN }), base))));
  add('new Mixer({ get sampleRate() { throw } })', bare(() => make(Object.defineProperty({ ...base }, 'sampleRate', { get: boom }))));
  add('new Mixer(Proxy whose get trap throws)', bare(() => make(new Proxy(base, { get: boom }))));
  add('Mixer(options) without new', bare(() => (N.Mixer as unknown as (o: unknown) => unknown)(base)), {
    engineTypeError: /without 'new'/,
  });

  // addInput(spec)
  add('addInput()', on((f) => (f.m.addInput as () => number)()));
  for (const [label, spec] of [['null', null], ['5', 5], ['{}', {}], ["{ kind: 'x' }", { kind: 'x' }], ['[]', []]] as const) {
    add(`addInput(${label})`, on((f) => f.m.addInput(any(spec))));
  }
  const genFields: Record<string, Pairs> = {
    frequency: nums(NaN, Infinity, -Infinity, -1, 0, -0, 1e300, 30000),
    levelDb: nums(NaN, Infinity, 1, 1e300, -1e300),
    intervalMs: nums(NaN, 0, -1, Infinity, 1e300),
    clockPpm: nums(NaN, Infinity, 1e300, -2e6),
    generator: nums(["'square'", 'square'], ['5', 5]),
  };
  const stripFields: Record<string, Pairs> = {
    gainDb: nums(NaN, Infinity, 1e300, 100, -1e300),
    pan: nums(NaN, Infinity, -Infinity, 2, -2),
    muted: nums(1, ["'x'", 'x']),
    solo: nums(['null', null], 0),
  };
  for (const [key, values] of Object.entries({ ...genFields, ...stripFields })) {
    for (const [label, value] of values) add(`addInput({ generator spec, ${key}: ${label} })`, on((f) => f.m.addInput(any({ ...genSpec, [key]: value }))));
  }
  for (const [label, value] of nums(NaN, Infinity, -1, 0, 1.5, 3, 2 ** 32 + 1, ["'1'", '1'])) {
    add(`addInput({ push spec, channels: ${label} })`, on((f) => f.m.addInput(any({ ...pushSpec(1), channels: value }))));
  }
  const deviceSpec = { ...strip, kind: 'device', deviceIndex: 0, deviceChannels: [0], deviceRate: 48000, label: 'in' };
  const deviceFields: Record<string, Pairs> = {
    deviceIndex: nums(NaN, -1, 1e300),
    deviceChannels: nums(['[]', []], ['[NaN]', [NaN]], ['[1.5]', [1.5]], ['[1e300]', [1e300]], ["'0'", '0']),
    // Not -1 (or 2^32 - 1): the addon then allocates some 8 GB for a resampler before failing with
    // ERR_DEVICE, too much for a shared machine. Reported for the glue's hardening.
    deviceRate: nums(NaN, 0, 1e300, 1.5),
  };
  for (const [key, values] of Object.entries(deviceFields)) {
    for (const [label, value] of values) add(`addInput({ device spec, ${key}: ${label} })`, on((f) => f.m.addInput(any({ ...deviceSpec, [key]: value })), { clock: 'virtual' }));
  }
  add('addInput(Object.create(push spec)) (all inherited)', on((f) => f.m.addInput(Object.create(pushSpec(1)))));
  add('addInput(push spec inheriting gainDb: NaN)', on((f) => f.m.addInput(any(Object.assign(Object.create({ gainDb: NaN }), { kind: 'push', channels: 1 })))));

  // removeInput(id), set(name, id, value)
  for (const [label, id] of nums(NaN, -1, 1.5, 1e300, Infinity, ["'1'", '1'], 999)) add(`removeInput(${label})`, on((f) => f.m.removeInput(any(id))));
  add('removeInput()', on((f) => (f.m.removeInput as () => void)()));
  add('removeInput(id) of a removed input', on((f) => f.m.removeInput(f.mono), { before: (f) => f.m.removeInput(f.mono) }));
  add('set()', on((f) => (f.m.set as () => void)()));
  add('set(5, id, 0)', on((f) => f.m.set(any(5), f.gen, 0)));
  add("set('volume', id, 0)", on((f) => f.m.set(any('volume'), f.gen, 0)));
  for (const [label, id] of nums(NaN, -1, 1.5, 999)) add(`set('gainDb', ${label}, 0)`, on((f) => f.m.set('gainDb', any(id), 0)));
  const setValues: Record<string, Pairs> = {
    gainDb: nums(NaN, Infinity, 1e300, 100, -1e300, ["'x'", 'x'], ['null', null], ['undefined', undefined]),
    pan: nums(NaN, Infinity, 5, -5),
    muted: nums(NaN, 0.5, 2, -1),
    solo: nums(NaN, 7),
    masterGainDb: nums(NaN, Infinity, 1e300, 100),
  };
  for (const [name, values] of Object.entries(setValues)) {
    for (const [label, value] of values) add(`set('${name}', id, ${label})`, on((f) => f.m.set(any(name), f.gen, any(value))));
  }

  // write(id, data, channels), writable(id)
  const data = () => new Float32Array(2);
  add('write(mono id, Float32Array(2), 2): channels do not match the input', on((f) => f.m.write(f.mono, data(), 2)));
  add('write(stereo id, Float32Array(2), 1): channels do not match the input', on((f) => f.m.write(f.stereo, data(), 1)));
  for (const [label, ch] of nums(0, 3, NaN, -1, 1.5, Infinity, 1e300, ["'1'", '1'])) {
    add(`write(mono id, Float32Array(2), ${label})`, on((f) => f.m.write(f.mono, data(), any(ch))));
  }
  add('write(mono id, Float32Array(2))', on((f) => (f.m.write as (id: number, d: Float32Array) => number)(f.mono, data())));
  add('write(NaN, Float32Array(2), 1)', on((f) => f.m.write(NaN, data(), 1)));
  add('write(999, Float32Array(2), 1): no such input', on((f) => f.m.write(999, data(), 1)));
  add('write(generator id, Float32Array(2), 2): not a push input', on((f) => f.m.write(f.gen, data(), 2)));
  const badData: Pairs = [
    ['Float64Array(2)', new Float64Array(2)],
    ['Object.create(Float32Array.prototype)', Object.create(Float32Array.prototype)],
    ['Proxy(Float32Array(2))', new Proxy(new Float32Array(2), {})],
    ['null', null],
  ];
  for (const [label, d] of badData) add(`write(mono id, ${label}, 1)`, on((f) => f.m.write(f.mono, any(d), 1)));
  add('write(mono id, a detached Float32Array, 1)', on((f) => f.m.write(f.mono, detached(), 1)));
  for (const [label, id] of nums(NaN, -1, 1.5, 999)) add(`writable(${label})`, on((f) => f.m.writable(any(id))));
  add('writable()', on((f) => (f.m.writable as () => number)()));
  add('writable(generator id): not a push input', on((f) => f.m.writable(f.gen)));

  // Clocks
  add('start() on a simulated mixer', on((f) => f.m.start()));
  add('stop() on a simulated mixer', on((f) => f.m.stop()));
  for (const [label, n] of nums(NaN, -1, 1.5, Infinity, 1e300, 2 ** 53, ["'5'", '5'])) add(`advance(${label})`, on((f) => f.m.advance(any(n))));
  add('advance()', on((f) => (f.m.advance as () => void)()));
  add('advance(256) on a virtual mixer, stopped', on((f) => f.m.advance(256), { clock: 'virtual' }));
  add('advance(256) on a virtual mixer, running', on((f) => f.m.advance(256), { clock: 'virtual', before: (f) => f.m.start() }));

  // Taps
  for (const [label, n] of nums(NaN, 0, -1, 1.5, Infinity, 1e300, 2 ** 53, ["'4800'", '4800'])) add(`openTap(${label})`, on((f) => f.m.openTap(any(n))));
  add('openTap()', on((f) => (f.m.openTap as () => NativeTap)()));
  for (const [label, n] of nums(NaN, -1, 1.5, Infinity, 2 ** 24 + 1, ["'1'", '1'])) add(`tap.read(${label})`, on((f) => f.tap.read(any(n))));
  add('tap.read()', on((f) => (f.tap.read as () => Float32Array)()));
  add('tap.read(1) after tap.close()', on((f) => f.tap.read(1), { before: (f) => f.tap.close() }));
  add('tap.stats() after tap.close()', on((f) => f.tap.stats(), { before: (f) => f.tap.close() }));
  for (const [label, v] of [['()', undefined], ['(1)', 1], ['([0, 0])', [0, 0]], ['(Float64Array)', new Float64Array(4)], ['(Uint8Array)', new Uint8Array(8)], ['({})', {}]] as const)
    add(`tap.readInto${label}`, on((f) => f.tap.readInto(any(v))));
  add('tap.readInto(Float32Array) after tap.close()', on((f) => f.tap.readInto(new Float32Array(8)), { before: (f) => f.tap.close() }));
  add('new Tap().readInto(Float32Array) from JS', bare(() => new Tap().readInto(new Float32Array(8))));
  add('new Tap() from JS', bare(() => new Tap()));
  add('new Tap().read(1) from JS', bare(() => new Tap().read(1)));

  // Outputs (no audio backend in this run)
  const dev = { deviceIndex: 0, deviceName: 'x', hostApi: 'y' };
  const outputs: Pairs = [
    ['0, 2, 48000, "o"', [0, 2, 48000, 'o']],
    ['{ deviceIndex: NaN }, 2, 48000, "o"', [{ ...dev, deviceIndex: NaN }, 2, 48000, 'o']],
    ['{ deviceIndex: -1 }, 2, 48000, "o"', [{ ...dev, deviceIndex: -1 }, 2, 48000, 'o']],
    ['{ deviceName: 5 }, 2, 48000, "o"', [{ ...dev, deviceName: 5 }, 2, 48000, 'o']],
    ['Object.create(device), 2, 48000, "o"', [Object.create(dev), 2, 48000, 'o']],
    ['device, 0, 48000, "o"', [dev, 0, 48000, 'o']],
    ['device, 65, 48000, "o"', [dev, 65, 48000, 'o']],
    ['device, NaN, 48000, "o"', [dev, NaN, 48000, 'o']],
    ['device, 2, NaN, "o"', [dev, 2, NaN, 'o']],
    ['device, 2, -1, "o"', [dev, 2, -1, 'o']],
    ['device, 2, 1e300, "o"', [dev, 2, 1e300, 'o']],
    ['device, 2, 48000, 5', [dev, 2, 48000, 5]],
    ['', []],
  ];
  for (const [label, args] of outputs) {
    add(`addOutput(${label})`, on((f) => (f.m.addOutput as (...a: unknown[]) => number)(...(args as unknown[])), { clock: 'virtual' }));
  }
  for (const [label, id] of nums(NaN, 999)) add(`removeOutput(${label})`, on((f) => f.m.removeOutput(any(id))));

  // After close(): every method is ERR_CLOSED
  const afterClose: Array<[string, (f: Fixture) => unknown]> = [
    ['addInput(push spec)', (f) => f.m.addInput(pushSpec(1))],
    ['removeInput(id)', (f) => f.m.removeInput(f.gen)],
    ["set('gainDb', id, 0)", (f) => f.m.set('gainDb', f.gen, 0)],
    ['write(id, Float32Array(2), 1)', (f) => f.m.write(f.mono, data(), 1)],
    ['writable(id)', (f) => f.m.writable(f.mono)],
    ['start()', (f) => f.m.start()],
    ['stop()', (f) => f.m.stop()],
    ['advance(256)', (f) => f.m.advance(256)],
    ['metrics()', (f) => f.m.metrics()],
    ['pollEvents()', (f) => f.m.pollEvents()],
    ['openTap(4800)', (f) => f.m.openTap(4800)],
    ["addOutput({ deviceIndex: 0, ... }, 2, 48000, 'o')", (f) => f.m.addOutput({ deviceIndex: 0, deviceName: 'x', hostApi: 'y' }, 2, 48000, 'o')],
    ['removeOutput(1)', (f) => f.m.removeOutput(1)],
    ['deviceStatus()', (f) => f.m.deviceStatus()],
    ['pollDeviceFailures()', (f) => f.m.pollDeviceFailures()],
  ];
  for (const [what, call] of afterClose) add(`after close(): ${what}`, on(call, { before: (f) => f.m.close() }), CLOSED);

  // The wrong receiver: a plain object, and the other class's instance.
  const mixerMethods = Object.getOwnPropertyNames(N.Mixer.prototype).filter((k) => k !== 'constructor');
  for (const name of mixerMethods) {
    const method = (N.Mixer.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
    add(`Mixer.prototype.${name}.call({})`, on(() => method.call({}, 1, 1, 1)), RECEIVER);
    add(`Mixer.prototype.${name}.call(a Tap)`, on((f) => method.call(f.tap, 1, 1, 1)), RECEIVER);
  }
  const tapProto = Tap.prototype as Record<string, (...a: unknown[]) => unknown>;
  for (const name of ['read', 'stats', 'close']) {
    add(`Tap.prototype.${name}.call({})`, on(() => tapProto[name]!.call({}, 1)), RECEIVER);
    add(`Tap.prototype.${name}.call(a Mixer)`, on((f) => tapProto[name]!.call(f.m, 1)), RECEIVER);
  }
  return list;
}

/** An Error with a string code; a TypeError must say ERR_INVALID_ARG_TYPE, a RangeError ERR_OUT_OF_RANGE. */
export function judge(thrown: unknown, expect: Expect): string | null {
  const { code } = describeThrown(thrown);
  if (!(thrown instanceof Error)) return 'threw something that is not an Error';
  if (typeof expect === 'object' && 'engineTypeError' in expect) {
    return thrown instanceof TypeError && expect.engineTypeError.test(thrown.message) ? null : "expected V8's own TypeError";
  }
  if (typeof code !== 'string') return 'threw an error without a code';
  if (typeof expect === 'object' && 'state' in expect) return code === expect.state ? null : `expected code ${expect.state}`;
  if (thrown instanceof TypeError && code !== 'ERR_INVALID_ARG_TYPE') return 'a TypeError must have code ERR_INVALID_ARG_TYPE';
  if (thrown instanceof RangeError && code !== 'ERR_OUT_OF_RANGE') return 'a RangeError must have code ERR_OUT_OF_RANGE';
  return null;
}
