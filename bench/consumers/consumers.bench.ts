/**
 * What recording and streaming cost the mix, and how a live stream keeps up: `npm run
 * bench:consumers [-- --quick]`, JSON on stdout.
 *
 * One mixer on its internal clock (48 kHz, 128-frame periods, 16 sine strips) runs alternating
 * phases: A with no consumer, B with everything at once (WAV, FLAC and 320 kbit/s MP3 recordings,
 * a 320 kbit/s MP3 and a 128 kbit/s Opus stream to a real icecast2 on 127.0.0.1 with a listener on
 * each). ABAB, so that a drift of the machine's load shows as a difference between the two A's.
 * Per phase: the cycle's mean and max time, DSP load, xruns. Then the streams' encoder lag (mean,
 * max, sampled every 100 ms during B), and the time from the server coming back after a SIGKILL to
 * the stream being connected again. Goals (reported, never asserted): cycle time with consumers
 * within noise of without; MP3 encoder lag < 100 ms; reconnect < 5 s.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Mixer, type Broadcast, type Recorder } from '../..';
import { startIcecast, type IcecastServer } from '../../test/helpers/icecast';

const quick = process.env.RINGMIX_BENCH_QUICK === '1';
const phaseSeconds = quick ? 3 : 15;
const rate = 48000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Phase {
  name: 'A' | 'B';
  cycleUsMean: number;
  cycleUsMax: number;
  dspLoad: number;
  xruns: number;
  cycles: number;
}

/** The mix's figures over `seconds`, from the difference of metrics at the start and the end. */
async function measure(mixer: Mixer, name: 'A' | 'B', seconds: number, maxima: () => number): Promise<Phase> {
  const before = mixer.metrics();
  let max = 0;
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    await sleep(250);
    max = Math.max(max, maxima());
  }
  const after = mixer.metrics();
  const cycles = after.cycles - before.cycles;
  // cycleUs.mean is since start: the phase's own mean follows from the two running sums.
  const mean = (after.cycleUs.mean * after.cycles - before.cycleUs.mean * before.cycles) / cycles;
  const periodUs = (128 / rate) * 1e6;
  return { name, cycleUsMean: mean, cycleUsMax: max, dspLoad: mean / periodUs, xruns: after.xruns - before.xruns, cycles };
}

function listen(url: string, sink: { stop?: () => void }): void {
  const req = http.get(url, { agent: false }, (res) => res.resume());
  req.on('error', () => undefined);
  sink.stop = () => req.destroy();
}

it('consumers: cost to the mix, encoder lag, reconnect', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringmix-bench-consumers-'));
  const password = 'bench-pw';
  const server: IcecastServer = await startIcecast({ sourcePassword: password, adminPassword: 'bench-admin' });
  const mixer = new Mixer({ sampleRate: rate, periodFrames: 128, clock: 'virtual', metricsIntervalMs: 100 });
  for (let i = 0; i < 16; i++) mixer.addInput({ source: { generator: 'sine', frequency: 200 + 50 * i, levelDb: -30 }, pan: (i % 3) - 1 });
  mixer.start();
  const maxima = () => mixer.metrics().cycleUs.max; // the max over the last second
  const phases: Phase[] = [];
  const lags: Record<string, number[]> = { mp3: [], opus: [] };
  let reconnectMs: number | null = null;
  try {
    await sleep(1000); // settle
    for (let round = 0; round < 2; round++) {
      phases.push(await measure(mixer, 'A', phaseSeconds, maxima));
      const recorders: Recorder[] = [
        mixer.record({ path: path.join(dir, 'b.wav') }),
        mixer.record({ path: path.join(dir, 'b.flac'), format: 'flac' }),
        mixer.record({ path: path.join(dir, 'b.mp3'), format: 'mp3', bitrateKbps: 320 }),
      ];
      const streams: Broadcast[] = [
        mixer.stream({ url: server.url('/bench.mp3'), format: 'mp3', bitrateKbps: 320, password }),
        mixer.stream({ url: server.url('/bench.ogg'), format: 'opus', bitrateKbps: 128, password }),
      ];
      await Promise.all(streams.map((b) => new Promise((r) => b.once('connected', r))));
      const listeners = [{}, {}] as { stop?: () => void }[];
      listen(server.url('/bench.mp3'), listeners[0]!);
      listen(server.url('/bench.ogg'), listeners[1]!);
      const sampler = setInterval(() => {
        for (const b of streams) {
          const lag = b.stats().encoderLagMs;
          if (lag !== null) lags[b.format]!.push(lag);
        }
      }, 100);
      phases.push(await measure(mixer, 'B', phaseSeconds, maxima));
      clearInterval(sampler);
      if (round === 1) {
        // The server dies and comes back: how long until the MP3 stream is on air again.
        const again = new Promise<number>((resolve) => {
          let back = 0;
          streams[0]!.on('connected', () => resolve(Date.now() - back));
          void server.kill().then(async () => {
            await sleep(1000);
            await server.restart();
            back = Date.now();
          });
        });
        reconnectMs = await again;
      }
      listeners.forEach((l) => l.stop?.());
      await Promise.all(streams.map((b) => b.stop()));
      await Promise.all(recorders.map((r) => r.stop()));
    }
  } finally {
    await mixer.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const a = phases.filter((p) => p.name === 'A');
  const b = phases.filter((p) => p.name === 'B');
  const aMean = mean(a.map((p) => p.cycleUsMean));
  const bMean = mean(b.map((p) => p.cycleUsMean));
  const result = {
    benchmark: 'consumers',
    quick,
    phaseSeconds,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown' },
    phases,
    ratios: {
      cycleMeanWithOverWithout: bMean / aMean,
      // The two baselines against each other: how much the machine alone moves the figure.
      noiseBetweenBaselines: Math.max(a[0]!.cycleUsMean, a[1]!.cycleUsMean) / Math.min(a[0]!.cycleUsMean, a[1]!.cycleUsMean),
    },
    encoderLagMs: Object.fromEntries(
      Object.entries(lags).map(([k, xs]) => [k, { mean: mean(xs), max: Math.max(...xs), samples: xs.length }]),
    ),
    reconnectMs,
    goals: {
      cycleWithinNoise: bMean / aMean <= Math.max(1.05, 1 + 2 * (Math.max(...a.map((p) => p.cycleUsMean)) / Math.min(...a.map((p) => p.cycleUsMean)) - 1)),
      mp3EncoderLagUnder100ms: Math.max(...lags.mp3!) < 100,
      reconnectUnder5s: reconnectMs !== null && reconnectMs < 5000,
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  expect(b.every((p) => p.cycles > 0)).toBe(true); // it measured something
});
