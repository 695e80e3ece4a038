/**
 * A polluted Object.prototype supplies no option anywhere: the API reads own properties only and
 * hands the addon objects without a prototype. Each test pollutes, measures what the mixer did,
 * restores in `finally`, and only then asserts (jest itself must not run on a polluted prototype).
 */
import { Mixer } from '..';
import { channel, goertzelDb } from './helpers/audio';
import { render } from './helpers/mix';
import { withPollutedPrototype as polluted } from './helpers/pollute';

const sampleRate = 48000;

/** What an error looked like, captured while polluted. */
function caught(fn: () => unknown): { name: string; code: unknown; message: string } | 'no error' {
  try {
    fn();
    return 'no error';
  } catch (err) {
    const e = err as Error & { code?: unknown };
    return { name: e.name, code: e.code, message: e.message };
  }
}

it('Mixer options: inherited engine and mixer options are ignored, a gain change lands', async () => {
  const mixer = polluted(
    // rampMs and meterWindowMs are engine options the TS layer never passes: the addon read them
    // from the prototype (a 10,000 s ramp: no gain change was ever heard).
    { rampMs: 1e7, meterWindowMs: NaN, sampleRate: 8000, periodFrames: 17, channels: 1, clock: 'virtual', metricsIntervalMs: 1 },
    () => new Mixer({ clock: 'simulated' }),
  );
  expect([mixer.sampleRate, mixer.periodFrames, mixer.channels, mixer.clock]).toEqual([48000, 256, 2, 'simulated']);
  const input = mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 } });
  const tap = mixer.tap();
  render(mixer, tap, 4800);
  input.gainDb = -20;
  render(mixer, tap, 960); // past the 10 ms ramp
  const out = render(mixer, tap, sampleRate);
  expect(Math.abs(goertzelDb(channel(out, 2, 0), sampleRate, 1000) - -26)).toBeLessThan(0.05);
  // The meters run on their 100 ms window, not NaN.
  expect(mixer.metrics().master.peakDb[0]).toBeCloseTo(-26, 2);
  await mixer.close();
});

it('input options and sources: inherited strip settings and source fields are ignored', async () => {
  const mixer = new Mixer({ clock: 'simulated' });
  const tap = mixer.tap();
  const result = polluted(
    {
      gainDb: -100,
      pan: 1,
      muted: true,
      solo: true,
      name: 'polluted',
      generator: 'noise',
      frequency: 10,
      levelDb: -100,
      intervalMs: 5,
      clockPpm: 100000,
      push: { channels: 2 },
      device: 'default',
      channels: [5],
    },
    () => {
      const sine = mixer.addInput({ source: { generator: 'sine' } });
      const pushed = mixer.addInput({ source: { push: { channels: 1 } } });
      return {
        sine: { gainDb: sine.gainDb, pan: sine.pan, muted: sine.muted, solo: sine.solo, name: sine.name, id: sine.id },
        pushChannels: pushed.channels,
        // With Object.prototype.source set, a missing source is still missing.
        noSource: polluted({ source: { generator: 'sine' } }, () => caught(() => mixer.addInput({} as never))),
      };
    },
  );
  expect(result.sine).toEqual({ gainDb: 0, pan: 0, muted: false, solo: false, name: `input-${result.sine.id}`, id: result.sine.id });
  expect(result.pushChannels).toBe(1);
  expect(result.noSource).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: expect.stringMatching(/source is required/) });
  // The generator plays its defaults: a 440 Hz sine at -18 dBFS, at centre, unmuted.
  const out = render(mixer, tap, sampleRate);
  for (const ch of [0, 1]) expect(Math.abs(goertzelDb(channel(out, 2, ch), sampleRate, 440) - -18)).toBeLessThan(0.05);
  expect(mixer.inputs).toHaveLength(2);
  await mixer.close();
});

it('tap options: an inherited capacityFrames is ignored', async () => {
  const mixer = new Mixer({ clock: 'simulated' });
  const tap = polluted({ capacityFrames: 256 }, () => mixer.tap());
  expect(tap.capacityFrames).toBe(sampleRate);
  // And it holds what it says: two thirds of a second unread, nothing lost.
  mixer.advance(32000);
  expect(tap.read()).toHaveLength(64000);
  expect(tap.lostFrames).toBe(0);
  await mixer.close();
});

it('output options and device selectors: inherited fields are ignored, before any device lookup', async () => {
  const mixer = new Mixer(); // virtual clock, never started
  const result = polluted({ device: 'default', name: 'system', hostApi: 'ALSA', output: 'default' }, () => ({
    noDevice: caught(() => mixer.addOutput({} as never)),
    halfSelector: caught(() => mixer.addOutput({ device: { name: 'system' } as never })),
    clockWithoutOutput: caught(() => new Mixer({ clock: {} as never })),
  }));
  expect(result.noDevice).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: expect.stringMatching(/^device must be/) });
  expect(result.halfSelector).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: expect.stringMatching(/hostApi: string/) });
  expect(result.clockWithoutOutput).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: expect.stringMatching(/^clock.output must be/) });
  await mixer.close();
});

it('arrays: a hole reads as a hole, not as a polluted Array.prototype element', async () => {
  const mixer = new Mixer(); // virtual clock: device sources are allowed, and checked before any lookup
  const result = polluted(
    { 0: 0 },
    () => caught(() => mixer.addInput({ source: { device: 'default', channels: [, 1] as number[] } })),
    Array.prototype,
  );
  expect(result).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: expect.stringMatching(/source.channels\[0\] must be a number/) });
  await mixer.close();
});
