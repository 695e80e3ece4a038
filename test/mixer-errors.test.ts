/**
 * Bad input never crashes: wrong types throw TypeError, out-of-range values RangeError, state
 * errors RingmixError, each with a stable code and a message naming the option.
 */
import { Mixer, RingmixError, buildInfo } from '..';

const typeErr = (message?: RegExp) =>
  expect.objectContaining({ name: 'TypeError', code: expect.stringMatching(/^ERR_(INVALID_ARG_TYPE|UNKNOWN_OPTION)$/), ...(message ? { message: expect.stringMatching(message) } : {}) });
const rangeErr = (message?: RegExp) =>
  expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE', ...(message ? { message: expect.stringMatching(message) } : {}) });
const stateErr = (code: string) => expect.objectContaining({ name: 'RingmixError', code });

describe('Mixer options', () => {
  it.each([
    [{ sampleRate: '48000' }, typeErr(/sampleRate/)],
    [{ sampleRate: NaN }, rangeErr(/sampleRate .*8000.*192000/)],
    [{ sampleRate: Infinity }, rangeErr(/sampleRate/)],
    [{ sampleRate: 7999 }, rangeErr(/sampleRate/)],
    [{ sampleRate: 44100.5 }, rangeErr(/integer/)],
    [{ periodFrames: 8 }, rangeErr(/periodFrames .*16.*4096/)],
    [{ periodFrames: 8192 }, rangeErr(/periodFrames/)],
    [{ channels: 3 }, rangeErr(/channels/)],
    [{ channels: '2' }, typeErr(/channels/)],
    [{ clock: 'wallclock' }, rangeErr(/clock/)],
    [{ metricsIntervalMs: 0 }, rangeErr(/metricsIntervalMs/)],
    [{ sampelRate: 48000 }, typeErr(/unknown option 'sampelRate'/)],
    [null, typeErr(/options/)],
    [[], typeErr(/options/)],
  ])('new Mixer(%p) is refused', (options, error) => {
    expect(() => new Mixer(options as never)).toThrow(error);
  });

  it('values that misbehave when read are refused with a code, the original as cause', () => {
    const thrown = new Error('getter');
    let err: unknown;
    try {
      new Mixer({
        get sampleRate(): number {
          throw thrown;
        },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toEqual(typeErr(/Mixer options.sampleRate could not be read/));
    expect((err as Error).cause).toBe(thrown);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(() => new Mixer(revoked.proxy)).toThrow(typeErr(/could not be read/));
    const noKeys = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    expect(() => new Mixer(noKeys)).toThrow(typeErr(/could not be read/));
    expect(() => new Mixer(new Proxy({ sampleRate: NaN }, {}))).toThrow(rangeErr(/sampleRate/));
  });

  it('only plain objects are options: inherited defaults would be silently ignored', () => {
    class Options {
      sampleRate = 44100;
    }
    expect(() => new Mixer(new Options() as never)).toThrow(typeErr(/plain object/));
    expect(() => new Mixer(Object.create({ sampleRate: 44100 }))).toThrow(typeErr(/plain object/));
    expect(() => new Mixer(new Date() as never)).toThrow(typeErr(/plain object/));
    const bare = Object.assign(Object.create(null), { clock: 'simulated' });
    const mixer = new Mixer(bare);
    expect(mixer.clock).toBe('simulated');
    void mixer.close();
  });

  it('each option is read once: a getter cannot change a value after it was checked', async () => {
    let reads = 0;
    const mixer = new Mixer({
      clock: 'simulated',
      get periodFrames(): number {
        return reads++ === 0 ? 128 : NaN;
      },
    });
    expect(reads).toBe(1);
    expect(mixer.periodFrames).toBe(128);
    mixer.tap();
    mixer.advance(128);
    expect(mixer.metrics().cycles).toBe(1);
    await mixer.close();
  });

  it('device selectors are type-checked before any device is looked up', () => {
    expect(() => new Mixer({ clock: { output: 1.5 } })).toThrow(rangeErr(/index/));
    expect(() => new Mixer({ clock: { output: { name: 1 } } as never })).toThrow(typeErr(/name: string, hostApi: string/));
    expect(() => new Mixer({ clock: { output: true } as never })).toThrow(typeErr(/device index/));
    expect(() => new Mixer({ clock: { input: 'x' } as never })).toThrow(typeErr(/unknown option 'input'/));
  });
});

describe('inputs, taps and calls', () => {
  let mixer: Mixer;
  beforeEach(() => {
    mixer = new Mixer({ clock: 'simulated' });
  });
  afterEach(() => mixer.close());

  it.each([
    [{}, typeErr(/source is required/)],
    [{ source: 'sine' }, typeErr(/source/)],
    [{ source: {} }, typeErr(/generator, device, push/)],
    [{ source: { generator: 'square' } }, rangeErr(/generator/)],
    [{ source: { generator: 'sine', frequency: 0 } }, rangeErr(/frequency/)],
    [{ source: { generator: 'sine', frequency: 24000 } }, rangeErr(/frequency/)],
    [{ source: { generator: 'sine', frequency: NaN } }, rangeErr(/frequency/)],
    [{ source: { generator: 'sine', levelDb: 1 } }, rangeErr(/levelDb/)],
    [{ source: { generator: 'sine', levelDb: -Infinity } }, rangeErr(/levelDb/)],
    [{ source: { generator: 'sine', clockPpm: 1e6 } }, rangeErr(/clockPpm/)],
    [{ source: { generator: 'impulses', intervalMs: 0 } }, rangeErr(/intervalMs/)],
    [{ source: { generator: 'sine', volume: 1 } }, typeErr(/unknown option 'volume'/)],
    [{ source: { push: { channels: 3 } } }, rangeErr(/channels/)],
    [{ source: { push: {} } }, typeErr(/channels/)],
    [{ source: { push: { channels: 1, sampleRate: 44100 } } }, rangeErr(/sampleRate/)],
    [{ source: { generator: 'sine', push: { channels: 1 } } }, typeErr(/only one of generator, device, push/)],
    [{ source: { push: { channels: 1 }, frequency: 440 } }, typeErr(/unknown option 'frequency' for a push source/)],
    [{ source: { device: 'default', channels: [0.5] } }, rangeErr(/channels\[0\]/)],
    [{ source: { device: 'default', channels: [0, 1, 2] } }, rangeErr(/source.channels takes 1 to 2/)],
    [{ source: { generator: 'sine' }, gainDb: Infinity }, rangeErr(/gainDb/)],
    [{ source: { generator: 'sine' }, gainDb: 25 }, rangeErr(/gainDb/)],
    [{ source: { generator: 'sine' }, pan: 1.01 }, rangeErr(/pan/)],
    [{ source: { generator: 'sine' }, pan: '0' }, typeErr(/pan/)],
    [{ source: { generator: 'sine' }, muted: 1 }, typeErr(/muted/)],
    [{ source: { generator: 'sine' }, name: 5 }, typeErr(/name/)],
    [{ source: { generator: 'sine' }, colour: 'red' }, typeErr(/unknown option 'colour'/)],
  ])('addInput(%p) is refused', (options, error) => {
    expect(() => mixer.addInput(options as never)).toThrow(error);
    expect(mixer.inputs).toHaveLength(0);
  });

  it('device inputs and outputs need a real-time clock', () => {
    expect(() => mixer.addInput({ source: { device: 'default' } })).toThrow(stateErr('ERR_WRONG_CLOCK'));
    expect(() => mixer.addOutput({ device: 'default' })).toThrow(stateErr('ERR_WRONG_CLOCK'));
    expect(() => mixer.addInput({ source: { device: -1 } })).toThrow(rangeErr(/index/));
  });

  it('setters validate and keep the old value on error', () => {
    const input = mixer.addInput({ source: { generator: 'sine' }, gainDb: -3 });
    expect(() => (input.gainDb = NaN)).toThrow(rangeErr(/gainDb/));
    expect(() => (input.pan = -2)).toThrow(rangeErr(/pan/));
    expect(() => (input.solo = 'yes' as never)).toThrow(typeErr(/solo/));
    expect(() => (mixer.master.gainDb = Infinity)).toThrow(rangeErr(/master.gainDb/));
    expect(input.gainDb).toBe(-3);
    input.gainDb = -Infinity; // off is allowed
    expect(input.gainDb).toBe(-Infinity);
  });

  it('push-only methods on other inputs, and bad data, are refused', () => {
    const gen = mixer.addInput({ source: { generator: 'sine' } });
    expect(() => gen.write(new Float32Array(2))).toThrow(typeErr(/push inputs/));
    const push = mixer.addInput({ source: { push: { channels: 2 } } });
    expect(() => push.write(new Float64Array(2) as never)).toThrow(typeErr(/Float32Array/));
    expect(() => push.write(new Float32Array(3))).toThrow(rangeErr(/multiple of the input's channels/));
    // Look-alikes pass `instanceof` but are not Float32Arrays: refused by the internal slot.
    expect(() => push.write(Object.create(Float32Array.prototype))).toThrow(typeErr(/Float32Array/));
    expect(() => push.write(new Proxy(new Float32Array(2), {}))).toThrow(typeErr(/Float32Array, got a Proxy/));
    expect(() => push.write(new DataView(new ArrayBuffer(8)) as never)).toThrow(typeErr(/got a DataView/));
    const detached = new Float32Array(2);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    expect(() => push.write(detached)).toThrow(typeErr(/detached/));
    push.remove();
    expect(() => push.write(new Float32Array(2))).toThrow(stateErr('ERR_INPUT_REMOVED'));
    expect(() => push.writable()).toThrow(stateErr('ERR_INPUT_REMOVED'));
    expect(() => (push.gainDb = 0)).toThrow(stateErr('ERR_INPUT_REMOVED'));
    push.remove(); // idempotent
  });

  it('clock-specific calls on the wrong clock, and bad frame counts', () => {
    expect(() => mixer.start()).toThrow(stateErr('ERR_WRONG_CLOCK'));
    expect(() => mixer.advance(-1)).toThrow(rangeErr(/frames/));
    expect(() => mixer.advance(1.5)).toThrow(rangeErr(/frames/));
    expect(() => mixer.advance('5' as never)).toThrow(typeErr(/frames/));
    const virtual = new Mixer();
    expect(() => virtual.advance(256)).toThrow(stateErr('ERR_WRONG_CLOCK'));
    void virtual.close();
  });

  it('taps validate their options and reads', () => {
    expect(() => mixer.tap({ capacityFrames: 1 })).toThrow(rangeErr(/capacityFrames/));
    expect(() => mixer.tap({ capacityFrames: 1e9 })).toThrow(rangeErr(/capacityFrames/));
    expect(() => mixer.tap({ size: 5 } as never)).toThrow(typeErr(/unknown option/));
    const tap = mixer.tap();
    expect(() => tap.read(-1)).toThrow(rangeErr(/maxFrames/));
    tap.close();
    expect(() => tap.read()).toThrow(stateErr('ERR_CLOSED'));
  });

  it(`at most buildInfo().maxInputs (${buildInfo().maxInputs}) inputs`, () => {
    expect(buildInfo().maxInputs).toBeGreaterThanOrEqual(1024);
    for (let i = 0; i < buildInfo().maxInputs; i++) mixer.addInput({ source: { generator: 'silence' } });
    expect(() => mixer.addInput({ source: { generator: 'silence' } })).toThrow(stateErr('ERR_TOO_MANY_INPUTS'));
    mixer.inputs[0]!.remove();
    expect(() => mixer.addInput({ source: { generator: 'silence' } })).not.toThrow();
  });

  it('many commands between cycles never overflow the queue', () => {
    const input = mixer.addInput({ source: { generator: 'sine' } });
    for (let i = 0; i < 5000; i++) input.gainDb = -(i % 60);
    mixer.advance(256);
    expect(input.gainDb).toBe(-(4999 % 60));
  });
});

describe('after close()', () => {
  it('every call throws ERR_CLOSED; close() itself is idempotent', async () => {
    const mixer = new Mixer({ clock: 'simulated' });
    const input = mixer.addInput({ source: { generator: 'sine' } });
    const tap = mixer.tap();
    await mixer.close();
    await mixer.close();
    expect(mixer.closed).toBe(true);
    const closed = stateErr('ERR_CLOSED');
    expect(() => mixer.addInput({ source: { generator: 'sine' } })).toThrow(closed);
    expect(() => mixer.tap()).toThrow(closed);
    expect(() => mixer.advance(256)).toThrow(closed);
    expect(() => mixer.metrics()).toThrow(closed);
    expect(() => (mixer.master.gainDb = -1)).toThrow(closed);
    expect(() => (input.gainDb = -1)).toThrow(closed);
    expect(() => input.remove()).toThrow(closed);
    expect(() => tap.read()).toThrow(closed);
    tap.close(); // idempotent: the mixer closed it
    try {
      mixer.metrics();
    } catch (err) {
      expect(err).toBeInstanceOf(RingmixError);
    }
  });

  it('state comes before arguments: ERR_CLOSED whatever the call passes', async () => {
    const mixer = new Mixer({ clock: 'simulated' });
    const push = mixer.addInput({ source: { push: { channels: 2 } } });
    const gen = mixer.addInput({ source: { generator: 'sine' } });
    const removed = mixer.addInput({ source: { push: { channels: 1 } } });
    removed.remove();
    await mixer.close();
    const closed = stateErr('ERR_CLOSED');
    expect(() => push.writable()).toThrow(closed);
    expect(() => push.writableFrames()).toThrow(closed);
    expect(() => push.write('nope' as never)).toThrow(closed);
    expect(() => gen.write(new Float32Array(2))).toThrow(closed);
    expect(() => (push.pan = NaN)).toThrow(closed);
    expect(() => (push.muted = 'x' as never)).toThrow(closed);
    expect(() => (push.solo = 1 as never)).toThrow(closed);
    expect(() => (gen.gainDb = 100)).toThrow(closed);
    expect(() => (mixer.master.gainDb = NaN)).toThrow(closed);
    expect(() => removed.remove()).toThrow(closed);
    expect(() => removed.write(new Float32Array(1))).toThrow(closed);
    expect(() => mixer.addInput(null as never)).toThrow(closed);
    expect(() => mixer.tap({ capacityFrames: -1 })).toThrow(closed);
    expect(() => mixer.addOutput(5 as never)).toThrow(closed);
    expect(() => mixer.advance(NaN)).toThrow(closed);
    expect(() => mixer.start()).toThrow(closed);
  });
});
