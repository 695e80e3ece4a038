/**
 * examples/device-passthrough.js against real devices: a private JACK server (dummy driver). A
 * device test, so it runs alone after the rest (scripts/test-js.sh), like every file that starts
 * an audio server.
 */
import { Mixer } from '..';
import { channel, medianOverWindows, toneDb } from './helpers/audio';
import { directoryPerTest, runExample, startExample } from './helpers/examples';
import { collectClean } from './helpers/mix';
import { startJack, type JackServer } from './helpers/servers';
import { waitFor } from './helpers/wait';

const rate = 48000;
const workDir = directoryPerTest();

const level = (x: Float32Array, f: number): number => medianOverWindows(x, rate / 4, (w) => toneDb(w, rate, f));

describe('device-passthrough.js on a JACK server (dummy driver)', () => {
  const JACK = 'JACK Audio Connection Kit';
  const device = { name: 'system', hostApi: JACK };
  const selector = `system@${JACK}`;
  let jack: JackServer;
  const jackXruns = (): number => jack.xruns().driverLate + jack.xruns().clientLate;
  beforeAll(async () => {
    jack = await startJack(rate, 256);
  });
  afterAll(async () => {
    await jack?.stop();
  });

  it('lists the devices with the selectors it takes', async () => {
    const r = await runExample('device-passthrough.js', ['--list'], workDir());
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^\\d+: system@${JACK} \\(in 2, out 2, ${rate} Hz\\)$`, 'm'));
  });

  it('plays what it captures, and prints its meters', async () => {
    // This test's own mixer on the same server: a 1 kHz tone at -12 dBFS hard left goes out to
    // the example's capture; what the example plays comes back into a capture input hard right.
    // So the right channel of this mix carries nothing but what passed through the example.
    // The example runs until this test has measured and stops it with Ctrl-C (SIGINT): a run of
    // fixed length could end before the inputs locked on a machine that stalls.
    const mixer = new Mixer({ sampleRate: rate, periodFrames: 256, clock: { output: device } });
    const example = { run: undefined as ReturnType<typeof startExample> | undefined };
    try {
      mixer.addInput({ name: 'tone', source: { generator: 'sine', frequency: 1000, levelDb: -12 }, pan: -1 });
      const back = mixer.addInput({ name: 'back', source: { device, channels: [0] }, pan: 1 });
      const tap = mixer.tap({ capacityFrames: 2 * rate });
      mixer.start();
      const ports = (kind: string): string[] => jack.ports('ringmix').filter((p) => p.includes(`:${kind}_`));
      await waitFor(() => ports('in').length >= 1 && ports('out').length >= 2, 'our JACK ports');
      const ours = new Set(jack.ports('ringmix'));

      example.run = startExample('device-passthrough.js', ['--input', selector, '--output', selector, '--seconds', '600'], workDir());
      const theirs = (kind: string): string[] => ports(kind).filter((p) => !ours.has(p));
      await waitFor(() => theirs('in').length >= 2 && theirs('out').length >= 2, "the example's JACK ports", 30000);
      jack.connect(ports('out').filter((p) => ours.has(p))[0]!, theirs('in')[0]!);
      jack.connect(theirs('out')[0]!, [...ours].filter((p) => p.includes(':in_'))[0]!);

      const backPeak = (): number => mixer.metrics().inputs.find((i) => i.id === back.id)?.peakDb[0] ?? -Infinity;
      await waitFor(() => backPeak() > -13, 'the tone back from the example', 30000);
      await waitFor(() => mixer.metrics().inputs.every((i) => i.locked), 'the inputs to lock', 30000);
      const audio = await collectClean(mixer, tap, 2 * rate, 5, jackXruns);
      expect(example.run.child.exitCode).toBeNull(); // still playing while we listened
      expect(Math.abs(level(channel(audio, 2, 1), 1000) + 12)).toBeLessThan(0.5);

      example.run.child.kill('SIGINT');
      const r = await example.run.done;
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`${selector} -> ${selector} at ${rate} Hz`);
      // Its meters, as printed: the tone on its left input and its left output at -12 dBFS.
      const lines = [...r.out.matchAll(/in (\S+)\/\S+ dBFS {2}out (\S+)\/\S+ dBFS/g)];
      expect(lines.some((m) => Math.abs(Number(m[1]) + 12) < 0.5 && Math.abs(Number(m[2]) + 12) < 0.5)).toBe(true);
    } finally {
      example.run?.child.kill('SIGKILL');
      await mixer.close();
    }
  }, 120000);

  it('ends on its own after --seconds of its output device clock', async () => {
    const r = await runExample('device-passthrough.js', ['--input', selector, '--output', selector, '--seconds', '2'], workDir());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // Its last line is the first metrics at or past 2 s of mix frames: the device's clock decides.
    const times = [...r.out.matchAll(/^(\d+\.\d\d) s /gm)].map((m) => Number(m[1]));
    expect(times.length).toBeGreaterThanOrEqual(4);
    expect(times[times.length - 1]).toBeGreaterThanOrEqual(2);
    expect(times.slice(0, -1).every((t) => t < 2)).toBe(true);
  }, 60000);
});
