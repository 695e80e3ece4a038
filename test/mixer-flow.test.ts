/**
 * Inputs and consumers coming and going: removal while running, taps that fall behind, JS push
 * inputs with backpressure, virtual devices whose clocks drift.
 */
import { Readable } from 'node:stream';
import { Mixer, type DropoutEvent } from '..';
import { channel, goertzelDb, sine } from './helpers/audio';
import { render } from './helpers/mix';
import { waitFor } from './helpers/wait';

// Mixers here have no limiter stage (limiter: false): the tests follow frames through the mix
// exactly, with no look-ahead delay.
const sampleRate = 48000;

describe('virtual clock', () => {
  it('mixes in real time on its own thread and reports its timing', async () => {
    const mixer = new Mixer({ sampleRate, periodFrames: 256 });
    const a = mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 } });
    const b = mixer.addInput({ source: { generator: 'sine', frequency: 3000, levelDb: -6 } });
    const tap = mixer.tap({ capacityFrames: 2 * sampleRate });
    mixer.start();
    expect(mixer.running).toBe(true);
    const chunks: Float32Array[] = [];
    let frames = 0;
    const collect = () => {
      const c = tap.read();
      chunks.push(c);
      frames += c.length / 2;
    };
    await waitFor(() => (collect(), frames >= sampleRate / 2), 'half a second of mix');
    b.remove(); // while running
    const cut = frames;
    await waitFor(() => (collect(), frames >= cut + sampleRate / 2), 'another half second');
    const m = mixer.metrics();
    mixer.stop();
    expect(m.cycles * 256).toBe(m.frames);
    expect(m.inputs.map((i) => i.id)).toEqual([a.id]);
    expect(typeof m.realtimePriority).toBe('boolean');
    expect(m.lateUs.mean).toBeGreaterThanOrEqual(0);
    expect(m.cycleUs.max).toBeGreaterThan(0);
    expect(m.dspLoad).toBeGreaterThan(0);
    expect(tap.dropouts).toBe(0);
    const all = new Float32Array(frames * 2);
    let off = 0;
    for (const c of chunks) all.set(c, (off += c.length) - c.length);
    // Both tones in the first part (after the devices' jitter buffers filled), only one at the end.
    const head = channel(all.subarray(2 * 4800, 2 * 14400), 2, 0);
    const tail = channel(all.subarray(all.length - 2 * 9600), 2, 0);
    expect(goertzelDb(head, sampleRate, 1000)).toBeCloseTo(-6, 1);
    expect(goertzelDb(head, sampleRate, 3000)).toBeCloseTo(-6, 1);
    expect(goertzelDb(tail, sampleRate, 1000)).toBeCloseTo(-6, 1);
    expect(goertzelDb(tail, sampleRate, 3000)).toBeLessThan(-100);
    await mixer.close();
  });

  it('a device whose clock runs fast fills its ring across threads (drift compensation off)', async () => {
    const mixer = new Mixer({ sampleRate, periodFrames: 256 });
    const fast = mixer.addInput({ source: { generator: 'sine', clockPpm: 50000 }, compensateDrift: false }); // +5 %
    mixer.start();
    await waitFor(() => mixer.metrics().frames >= sampleRate / 4, 'a quarter second');
    const early = mixer.metrics().inputs.find((i) => i.id === fast.id)!.fillFrames;
    await waitFor(() => mixer.metrics().frames >= sampleRate, 'a second');
    const late = mixer.metrics().inputs.find((i) => i.id === fast.id)!.fillFrames;
    await mixer.close();
    expect(late).toBeGreaterThan(early + 600); // 5 % of 0.75 s is 1800 frames
  });
});

describe('simulated device clocks', () => {
  it('a fast device fills its ring; the surplus is lost and counted exactly (drift compensation off)', async () => {
    const mixer = new Mixer({ sampleRate, clock: 'simulated', limiter: false });
    const input = mixer.addInput({ source: { generator: 'sine', clockPpm: 50000 }, compensateDrift: false });
    mixer.advance(20 * sampleRate);
    const m = mixer.metrics().inputs.find((i) => i.id === input.id)!;
    // Produced: 256 frames ahead + 5 % more than the 960000 mixed. Every produced frame was mixed,
    // is still waiting in the ring, or was counted lost (refused when full, or trimmed when the
    // ring reached its high-water mark and dropped back to its jitter buffer).
    const produced = 256 + Math.floor(20 * sampleRate * 1.05);
    expect(m.overruns).toBeGreaterThan(0);
    expect(20 * sampleRate + m.fillFrames + m.overruns).toBe(produced);
    expect(m.fillFrames).toBeLessThanOrEqual(32768);
    expect(m.underruns).toBe(0);
    await mixer.close();
  });

  it('a slow device underruns, and the gaps are silence, counted (drift compensation off)', async () => {
    const mixer = new Mixer({ sampleRate, clock: 'simulated', limiter: false });
    const input = mixer.addInput({ source: { generator: 'sine', levelDb: -6, clockPpm: -10000 }, compensateDrift: false });
    const tap = mixer.tap({ capacityFrames: 2 * sampleRate });
    const out = render(mixer, tap, 2 * sampleRate);
    const m = mixer.metrics().inputs.find((i) => i.id === input.id)!;
    expect(m.underruns).toBeGreaterThan(0);
    expect(m.overruns).toBe(0);
    // Padding comes in runs (the rest of a period, then whole periods until the ring is primed
    // again); the sine's own zeros stand alone between non-zero neighbours: its first sample, and
    // any crossing that falls on a sample and computes to exactly 0.
    const frames = out.length / 2;
    let zeros = 0;
    for (let f = 0; f < frames; f++) {
      if (out[2 * f] !== 0) continue;
      const alone = (f === 0 || out[2 * f - 2] !== 0) && f < frames - 1 && out[2 * f + 2] !== 0;
      if (!alone) zeros++;
    }
    // Every frame the device did not produce (1 %, plus what still waits in its ring) was padded
    // with silence.
    const produced = 256 + Math.floor(2 * sampleRate * 0.99);
    expect(zeros).toBe(2 * sampleRate - (produced - m.fillFrames));
    await mixer.close();
  });
});

describe('taps', () => {
  it('a tap that is not read loses frames with an exact count while the mix and other taps go on', async () => {
    const mixer = new Mixer({ sampleRate, clock: 'simulated', limiter: false });
    mixer.addInput({ source: { generator: 'noise' } });
    const reader = mixer.tap();
    const idle = mixer.tap({ capacityFrames: 4800 });
    const dropouts: DropoutEvent[] = [];
    mixer.on('dropout', (d) => dropouts.push(d));
    const seen: Float32Array[] = [];
    for (let i = 0; i < 10; i++) seen.push(render(mixer, reader, 4800));
    expect(mixer.metrics().frames).toBe(48000);
    expect(seen.reduce((n, c) => n + c.length / 2, 0)).toBe(48000);
    const late = idle.read();
    // It resumes half its capacity behind the newest frame: 48000 - 2400 frames are gone.
    expect(idle.lostFrames).toBe(48000 - 2400);
    expect(idle.dropouts).toBe(1);
    expect(dropouts).toEqual([{ consumerId: idle.id, kind: 'tap', lostFrames: 45600 }]);
    // And what it does get is exactly the newest 2400 frames of the mix.
    expect(late).toEqual(seen[9]!.subarray(2 * 2400));
    const consumers = mixer.metrics().consumers;
    expect(consumers).toEqual([
      { id: reader.id, kind: 'tap', lagFrames: 0, dropouts: 0, lostFrames: 0 },
      { id: idle.id, kind: 'tap', lagFrames: 0, dropouts: 1, lostFrames: 45600 },
    ]);
    await mixer.close();
  });

  it('readable() streams the mix as float32 bytes', async () => {
    const mixer = new Mixer({ sampleRate, clock: 'simulated', limiter: false });
    mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 } });
    const tap = mixer.tap();
    const stream = tap.readable();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    mixer.advance(sampleRate);
    await waitFor(() => chunks.reduce((n, c) => n + c.length, 0) >= sampleRate * 8, 'the stream');
    tap.close();
    await new Promise((r) => stream.on('end', r));
    const bytes = Buffer.concat(chunks);
    expect(bytes.length).toBe(sampleRate * 8);
    const samples = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    expect(goertzelDb(channel(samples, 2, 1), sampleRate, 1000)).toBeCloseTo(-6, 2);
    await mixer.close();
  });
});

describe('push inputs', () => {
  it('write() accepts what fits and the caller keeps the rest; nothing is lost', async () => {
    const mixer = new Mixer({ sampleRate, clock: 'simulated', channels: 2, limiter: false });
    const input = mixer.addInput({ source: { push: { channels: 2 } } });
    const tap = mixer.tap({ capacityFrames: 2 * sampleRate });
    const total = 3 * sampleRate; // more than the ring holds
    const data = sine(total, { sampleRate, frequency: 440, levelDb: -6, channels: 2 });
    expect(input.write(data)).toBe(32768); // the ring's capacity: backpressure
    expect(input.writableFrames()).toBe(0);
    let written = 32768;
    const out = new Float32Array(total * 2);
    let read = 0;
    while (read < total) {
      written += input.write(data.subarray(written * 2));
      const chunk = render(mixer, tap, Math.min(1024, total - read));
      out.set(chunk, read * 2);
      read += chunk.length / 2;
    }
    expect(written).toBe(total);
    expect(out).toEqual(data); // stereo input, centre balance: sample for sample
    expect(mixer.metrics().inputs[0]!.underruns).toBe(0);
    await mixer.close();
  });

  it('writable() applies backpressure to a piped stream and delivers every frame', async () => {
    const mixer = new Mixer({ sampleRate, clock: 'simulated', channels: 1, limiter: false });
    const input = mixer.addInput({ source: { push: { channels: 1 } } });
    const tap = mixer.tap({ capacityFrames: 2 * sampleRate });
    const total = 2 * sampleRate;
    const tone = sine(total, { sampleRate, frequency: 1000, levelDb: -12, channels: 1 });
    const bytes = Buffer.from(tone.buffer);
    // Odd chunk sizes, so frames arrive split across chunks.
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 9999) chunks.push(bytes.subarray(i, i + 9999));
    let finished = false;
    Readable.from(chunks).pipe(input.writable()).on('finish', () => (finished = true));
    const out: Float32Array[] = [];
    let frames = 0;
    while (frames < total) {
      await new Promise((r) => setTimeout(r, 1));
      const c = render(mixer, tap, 256);
      out.push(c);
      frames += c.length;
    }
    await waitFor(() => finished, 'the pipe to finish');
    const all = new Float32Array(frames);
    let off = 0;
    for (const c of out) all.set(c, (off += c.length) - c.length);
    // The first frames may be silence while the stream started; then the tone, sample for sample.
    const start = all.findIndex((x) => x !== 0);
    expect(all.subarray(start, start + 1000)).toEqual(tone.subarray(tone.findIndex((x) => x !== 0), 1000 + tone.findIndex((x) => x !== 0)));
    const m = mixer.metrics();
    expect(m.inputs[0]!.overruns).toBe(0);
    await mixer.close();
  });
});
