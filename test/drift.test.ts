/**
 * Drift compensation, measured on the mix (simulated clock: hours of device time in seconds, the
 * same every run). Each virtual device plays one impulse a second on its own clock; the test finds
 * every impulse in the mix and computes its end-to-end latency: where it landed minus where the
 * master clock was when the device produced it.
 */
import { Mixer, type Input } from '..';

const rate = 48000;
const period = 128;
const intervalFrames = rate; // one marker a second

interface Run {
  /** Latency of each marker (mix frames), in marker order. */
  latency: number[];
  /** Seconds (device time) at which the input first reported `locked`. */
  lockedAt: number | null;
}

/**
 * Runs `seconds` of the simulated clock with one impulse generator at `ppm`, calling `at` each
 * second (to change the clock mid-run), and returns every marker's latency.
 */
function run(mixer: Mixer, input: Input, seconds: number, ppmAt: (s: number) => number): Run {
  const tap = mixer.tap({ capacityFrames: 2 * rate });
  const latency: number[] = [];
  let lockedAt: number | null = null;
  let pos = 0; // mix frames read so far
  let devicePos = 0; // device frames produced by the master's position (integrated clock)
  let markerDue = 0; // master frame at which the next marker was produced
  const dues: number[] = [];
  let ppm = ppmAt(0);
  for (let s = 0; s < seconds; s++) {
    const next = ppmAt(s);
    if (next !== ppm) {
      ppm = next;
      input.clockPpm = ppm;
    }
    // Where the device's clock puts its markers on the master's time line this second.
    const r = 1 + ppm / 1e6;
    while (markerDue < (s + 1) * rate) {
      dues.push(markerDue);
      const framesToNext = (dues.length * intervalFrames - devicePos) / r;
      devicePos = dues.length * intervalFrames;
      markerDue += framesToNext;
    }
    mixer.advance(rate);
    const x = tap.read();
    for (let i = 0; i < x.length; i++) {
      if ((x[i] as number) < 0.5) continue;
      // The peak of the (band-limited) impulse: the largest sample of this run above half height.
      let best = i;
      while (i + 1 < x.length && (x[i + 1] as number) >= 0.5) {
        i++;
        if ((x[i] as number) > (x[best] as number)) best = i;
      }
      const k = latency.length;
      if (k < dues.length) latency.push(pos + best - (dues[k] as number));
    }
    pos += x.length;
    if (lockedAt === null && mixer.metrics().inputs[0]?.locked) lockedAt = s + 1;
  }
  tap.close();
  return { latency, lockedAt };
}

function mixerWith(ppm: number, compensateDrift = true): { mixer: Mixer; input: Input } {
  const mixer = new Mixer({ sampleRate: rate, periodFrames: period, channels: 1, clock: 'simulated' });
  const input = mixer.addInput({ source: { generator: 'impulses', intervalMs: 1000, levelDb: 0, clockPpm: ppm }, compensateDrift });
  return { mixer, input };
}

const HOUR = 3600;
// A hang guard, not a speed check: an hour of audio takes ~20 s here on a quiet machine, and
// two or three times that while the rest of the suite runs beside it on two cores.
const HOUR_TIMEOUT_MS = 180_000;

describe('drift compensation (simulated clock)', () => {
  it('the same clock keeps latency constant to the frame for an hour, never resampled away', async () => {
    const { mixer, input } = mixerWith(0);
    const { latency } = run(mixer, input, HOUR, () => 0);
    expect(latency.length).toBeGreaterThanOrEqual(HOUR - 1); // the last may still be in the ring
    const settled = latency.slice(5);
    expect(Math.max(...settled) - Math.min(...settled)).toBe(0);
    const m = mixer.metrics().inputs[0]!;
    expect(m.locked).toBe(true);
    expect(Math.abs(m.clockPpm)).toBeLessThan(0.1);
    expect([m.underruns, m.overruns, m.resyncs]).toEqual([0, 0, 0]);
    await mixer.close();
  }, HOUR_TIMEOUT_MS);

  it.each([100, -100, 500, -500])(
    'at %d ppm it locks within 5 s, then holds latency within ±12 frames for an hour with no under/overrun',
    async (ppm) => {
      const { mixer, input } = mixerWith(ppm);
      const { latency, lockedAt } = run(mixer, input, HOUR, () => ppm);
      expect(lockedAt).not.toBeNull();
      expect(lockedAt!).toBeLessThanOrEqual(5);
      expect(latency.length).toBeGreaterThanOrEqual(HOUR - 2);
      const ref = latency[5]!;
      const after = latency.slice(5);
      expect(Math.max(...after.map((l) => Math.abs(l - ref)))).toBeLessThanOrEqual(12);
      const m = mixer.metrics().inputs[0]!;
      expect(m.locked).toBe(true);
      expect(Math.abs(m.clockPpm - ppm)).toBeLessThan(1);
      expect(Math.abs((m.ratio - 1) * 1e6 - ppm)).toBeLessThan(5);
      expect([m.underruns, m.overruns, m.resyncs]).toEqual([0, 0, 0]);
      await mixer.close();
    },
    HOUR_TIMEOUT_MS,
  );

  it('without compensation the same clocks drift: latency grows by the ppm, then the ring overflows', async () => {
    const { mixer, input } = mixerWith(500, false);
    const { latency } = run(mixer, input, 60, () => 500);
    // 500 ppm of 48 kHz is 24 frames a second: about 1,400 frames in a minute.
    expect(latency[58]! - latency[1]!).toBeGreaterThan(1300);
    const m = mixer.metrics().inputs[0]!;
    expect(m.locked).toBe(false);
    expect(m.ratio).toBe(1);
    expect(Math.abs(m.clockPpm - 500)).toBeLessThan(5); // still measured
    await mixer.close();
  });

  it('a step in the device rate (0 → +500 ppm mid-run) re-locks, with no re-sync', async () => {
    const { mixer, input } = mixerWith(0);
    const { latency } = run(mixer, input, 240, (s) => (s < 60 ? 0 : 500));
    const m = mixer.metrics().inputs[0]!;
    expect(m.locked).toBe(true);
    expect(Math.abs(m.clockPpm - 500)).toBeLessThan(1);
    expect([m.underruns, m.overruns, m.resyncs]).toEqual([0, 0, 0]);
    // Settled again 20 s after the step: within ±12 frames of where it settled.
    const ref = latency[90]!;
    expect(Math.max(...latency.slice(90).map((l) => Math.abs(l - ref)))).toBeLessThanOrEqual(12);
    // And the step itself cost less than the ring's margin (no gap, no jump).
    expect(Math.max(...latency.slice(55).map((l) => Math.abs(l - latency[55]!)))).toBeLessThan(100);
    await mixer.close();
  });

  it('a stalled push input (compensated: its clock is the pace of its writes) recovers with one counted re-sync', async () => {
    const mixer = new Mixer({ sampleRate: rate, periodFrames: period, channels: 1, clock: 'simulated' });
    const input = mixer.addInput({ source: { push: { channels: 1 } }, compensateDrift: true });
    const resyncs: number[] = [];
    mixer.on('resync', (e) => resyncs.push(e.id));
    const chunk = 480; // 10 ms writes, paced 300 ppm fast
    const data = new Float32Array(chunk + 1).fill(0.25);
    let owed = 0;
    for (let ms = 0; ms < 60_000; ms += 10) {
      const stalled = ms >= 20_000 && ms < 22_000;
      owed += chunk * (1 + 300e-6);
      const n = Math.floor(owed);
      owed -= n;
      if (!stalled) expect(input.write(data.subarray(0, n))).toBe(n);
      mixer.advance(chunk);
      if (ms % 1000 === 0) await new Promise((r) => setImmediate(r)); // let events be delivered
    }
    await new Promise((r) => setTimeout(r, 250));
    const m = mixer.metrics().inputs[0]!;
    expect(m.resyncs).toBe(1);
    expect(resyncs).toEqual([input.id]);
    expect(m.locked).toBe(true);
    expect(Math.abs(m.clockPpm - 300)).toBeLessThan(5);
    await mixer.close();
  });
});
