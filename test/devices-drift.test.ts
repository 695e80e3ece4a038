/**
 * Drift compensation against real devices on clocks of their own: PulseAudio's null-sink monitor
 * (playing PulseAudio's own sine, on PulseAudio's clock) captured by a mixer driven by a JACK device (JACK's dummy driver
 * keeps its own time, a few hundred ppm off the system clock), and a JACK capture device that
 * stalls. Extra outputs are compensated in the JACK tests (devices-jack).
 */
import { Mixer, type ResyncEvent } from '..';
import { execFileSync } from 'node:child_process';
import { channel, goertzelDb, toneDb } from './helpers/audio';
import { startJack, startPulse, type JackServer, type PulseServer } from './helpers/servers';
import { waitFor } from './helpers/wait';

const sampleRate = 48000;
const jackDevice = { name: 'system', hostApi: 'JACK Audio Connection Kit' };
const pulseDevice = { name: 'pulse', hostApi: 'ALSA' };

let jack: JackServer;
let pulse: PulseServer;
beforeAll(async () => {
  // Real-time scheduling for jackd and its clients' process threads (this one's mix cycle among
  // them), as a production JACK runs: without it the machine's other threads (a garbage
  // collection's, PulseAudio's) now and then keep the mix from its period for tens of
  // milliseconds, a master xrun the capture's ring then pays for.
  jack = await startJack(sampleRate, 256, undefined, { realtime: true });
  pulse = await startPulse(sampleRate);
});
afterAll(async () => {
  await pulse?.stop();
  await jack?.stop();
});

it('a PulseAudio capture against a JACK-clocked mix plays a minute after lock with no glitch', async () => {
  // PulseAudio plays its own sine into its null sink (on PulseAudio's clock); the capture device
  // is the sink's monitor (the default source).
  execFileSync('pactl', ['load-module', 'module-sine', 'sink=ringmix_null', 'frequency=1000'], { encoding: 'utf8' });
  const mixer = new Mixer({ sampleRate, periodFrames: 256, clock: { output: jackDevice } });
  try {
    // PulseAudio delivers in bursts and, on a busy 2-core machine, now and then stalls for tens of
    // milliseconds: a 60-ms jitter buffer (as a user of a sound server would set) rides that out,
    // where the default of a couple of periods (~28 ms here) ran dry once in a CI run.
    const capture = mixer.addInput({ source: { device: pulseDevice, channels: [0] }, targetLatencyMs: 60 });
    const tap = mixer.tap({ capacityFrames: 2 * sampleRate });
    // Every re-sync and every xrun of the master, logged with its time and frame: a failure needs
    // to show whether it came before or after the lock, and what caused it.
    const resyncs: ResyncEvent[] = [];
    const xrunFrames: number[] = [];
    const startedAt = Date.now();
    mixer.on('resync', (e) => {
      resyncs.push(e);
      console.log(`re-sync ${Date.now() - startedAt} ms after start at frame ${e.frame}, error ${e.errorFrames.toFixed(1)} frames`);
    });
    mixer.on('xrun', (e) => {
      xrunFrames.push(e.frame);
      console.log(`master xrun ${Date.now() - startedAt} ms after start at frame ${e.frame}`);
    });
    mixer.start();
    const input = () => mixer.metrics().inputs.find((i) => i.id === capture.id)!;
    // PulseAudio stalls about a second when streams start; then the loop settles and locks.
    await waitFor(() => input().locked, 'the capture to lock', 60000);
    const before = input();
    const lockedAt = Date.now();
    console.log(`locked ${lockedAt - startedAt} ms after start`);
    let lost = 0; // half-second samples unlocked
    let samples = 0;
    while (Date.now() - lockedAt < 60_000) {
      await new Promise((r) => setTimeout(r, 500));
      samples++;
      if (!input().locked) lost++;
    }
    tap.read();
    await new Promise((r) => setTimeout(r, 1100));
    const audio = channel(tap.read().subarray(0, 2 * sampleRate), 2, 0);
    const after = input();
    console.log(
      `PulseAudio capture against JACK, 60 s after lock: ${after.clockPpm.toFixed(1)} ppm, ` +
        `latency ${after.latencyFrames.toFixed(0)} frames, unlocked in ${lost} of ${samples} samples, ` +
        `tone ${toneDb(audio, sampleRate, 1000).toFixed(1)} dBFS`,
    );
    // No glitch of the loop's making after lock: no gap, no drop, no jump. The one re-sync allowed
    // is the master's own: when the machine's load stalls JACK for a few periods (an xrun, counted
    // and reported), the frames the mix did not take meanwhile sit in the ring as latency, and past
    // a quarter of the target they are dropped at once, in that same cycle (DriftLoop::
    // noteMasterStep); that is the engine's documented answer to a master xrun, not drift.
    const unexplained = resyncs.filter((r) => !xrunFrames.includes(r.frame));
    expect(unexplained).toEqual([]);
    expect(after.underruns - before.underruns).toBe(0);
    expect(after.overruns - before.overruns).toBe(0);
    expect(after.resyncs).toBe(resyncs.length); // every re-sync counted was reported, and none came unexplained
    // Locked nearly the whole minute: PulseAudio's bursty capture can push the averaged error past
    // the unlock bound for a second or two now and then (0 to 14 of 120 samples over seven runs
    // before the bound learnt its slow swings), with nothing heard of it. A loop that cannot hold
    // PulseAudio's clock is unlocked nearly throughout (115 of 120 and more).
    expect(lost).toBeLessThanOrEqual(24);
    // The sine comes through whole: one tone, nothing else of note.
    expect(toneDb(audio, sampleRate, 1000)).toBeGreaterThan(-40);
    expect(goertzelDb(audio, sampleRate, 3000)).toBeLessThan(toneDb(audio, sampleRate, 1000) - 60);
  } finally {
    await mixer.close();
  }
}, 200_000);

it('a capture device that stalls (its JACK server frozen for 1.5 s) recovers with one counted re-sync', async () => {
  const mixer = new Mixer({ sampleRate, periodFrames: 256 }); // virtual clock: JACK is a device on its own clock
  try {
    const capture = mixer.addInput({ source: { device: jackDevice, channels: [0] } });
    const resyncs: number[] = [];
    mixer.on('resync', (e) => resyncs.push(e.id));
    mixer.start();
    const input = () => mixer.metrics().inputs.find((i) => i.id === capture.id)!;
    await waitFor(() => input().locked, 'the capture to lock', 30000);
    await jack.freeze(1500);
    await waitFor(() => input().resyncs >= 1, 'the re-sync', 10000);
    await waitFor(() => input().locked, 'the capture to lock again', 30000);
    const settled = input();
    await new Promise((r) => setTimeout(r, 5000));
    const after = input();
    await new Promise((r) => setTimeout(r, 250)); // let the poll deliver the event
    expect(after.resyncs).toBe(1);
    expect(resyncs).toEqual([capture.id]);
    // Back to normal: nothing lost or padded since it locked again.
    expect(after.underruns).toBe(settled.underruns);
    expect(after.overruns).toBe(settled.overruns);
    expect(after.device!.failed).toBe(false);
  } finally {
    await mixer.close();
  }
}, 120_000);
