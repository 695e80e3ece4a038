/**
 * Drift compensation against real devices on clocks of their own: PulseAudio's null-sink monitor
 * (playing PulseAudio's own sine, on PulseAudio's clock) captured by a mixer driven by a JACK device (JACK's dummy driver
 * keeps its own time, a few hundred ppm off the system clock), and a JACK capture device that
 * stalls. Extra outputs are compensated in the JACK tests (devices-jack).
 */
import { Mixer, type InputMetrics, type ResyncEvent } from '..';
import { execFileSync } from 'node:child_process';
import { channel, goertzelDb, toneDb } from './helpers/audio';
import { collectClean } from './helpers/mix';
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
    const xrunTimes: number[] = [];
    const startedAt = Date.now();
    mixer.on('resync', (e) => {
      resyncs.push(e);
      console.log(`re-sync ${Date.now() - startedAt} ms after start at frame ${e.frame}, error ${e.errorFrames.toFixed(1)} frames`);
    });
    mixer.on('xrun', (e) => {
      xrunFrames.push(e.frame);
      xrunTimes.push(Date.now());
      console.log(`master xrun ${Date.now() - startedAt} ms after start at frame ${e.frame}`);
    });
    mixer.start();
    const input = () => mixer.metrics().inputs.find((i) => i.id === capture.id)!;
    // PulseAudio stalls about a second when streams start; then the loop settles and locks.
    await waitFor(() => input().locked, 'the capture to lock', 60000);
    const before = input();
    const lockedAt = Date.now();
    console.log(`locked ${lockedAt - startedAt} ms after start`);
    const unlockedAt: number[] = []; // when a half-second sample found the loop unlocked
    let samples = 0;
    // When the capture's ring overflowed (frames, and when it was seen), sampled with the lock.
    const overflows: { at: number; frames: number }[] = [];
    let overruns = before.overruns;
    const noteOverruns = (m: ReturnType<typeof input>) => {
      if (m.overruns === overruns) return;
      overflows.push({ at: Date.now(), frames: m.overruns - overruns });
      console.log(`capture overrun of ${m.overruns - overruns} frames seen ${Date.now() - startedAt} ms after start`);
      overruns = m.overruns;
    };
    while (Date.now() - lockedAt < 60_000) {
      await new Promise((r) => setTimeout(r, 500));
      samples++;
      const m = input();
      if (!m.locked) unlockedAt.push(Date.now());
      noteOverruns(m);
    }
    // Two seconds with no glitch of the machine's (a master or JACK xrun cuts the capture's sine:
    // a click, not a fault of the loop's), the last two seconds if none such comes in ten tries.
    const jackGlitches = () => jack.xruns().driverLate + jack.xruns().clientLate;
    const audio = channel(await collectClean(mixer, tap, 2 * sampleRate, 10, jackGlitches), 2, 0);
    const after = input();
    noteOverruns(after);
    // Unlocked samples the master's own xruns explain: within 2 s after one, while the loop works
    // off (or re-syncs) the step in the fill that the mix's lost periods left.
    const lost = unlockedAt.filter((t) => !xrunTimes.some((x) => x <= t && t - x <= 2000)).length;
    console.log(
      `PulseAudio capture against JACK, 60 s after lock: ${after.clockPpm.toFixed(1)} ppm, ` +
        `latency ${after.latencyFrames.toFixed(0)} frames, unlocked in ${unlockedAt.length} of ${samples} samples ` +
        `(${lost} not within 2 s after a master xrun; ${xrunTimes.length} master xruns since start), ` +
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
    // Nor may the capture's ring overflow, unless the master lost time just then: a stall of the
    // whole machine long enough for JACK to report xruns (seen in CI: clusters of them within
    // 0.1 s, even with JACK at real-time priority) leaves the capture's backlog more than its ring
    // holds, as the mix did not run meanwhile. Such an overflow is counted and followed by a
    // re-sync; it must be seen within 1.5 s of a master xrun (the metrics are sampled every 0.5 s,
    // the events polled on their own).
    const unexplainedOverflows = overflows.filter((o) => !xrunTimes.some((t) => Math.abs(t - o.at) <= 1500));
    expect(unexplainedOverflows).toEqual([]);
    expect(after.resyncs).toBe(resyncs.length); // every re-sync counted was reported, and none came unexplained
    // Locked nearly the whole minute, but for the master's xruns (this machine's hypervisor stalls
    // even a locked SCHED_FIFO thread for 5-15 ms several times a minute: 8 to 37 master xruns a
    // run here, with 5 to 18 unlocked samples not within 2 s after one): PulseAudio's bursty capture can push the averaged error past the
    // unlock bound for a second or two now and then (0 to 14 of 120 samples over seven runs
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
    const jackXruns = jack.xruns().driverLate;
    const resyncs: ResyncEvent[] = [];
    const xrunFrames: number[] = []; // the virtual master's own, as in the test above
    mixer.on('resync', (e) => resyncs.push(e));
    mixer.on('xrun', (e) => {
      xrunFrames.push(e.frame);
      console.log(`master xrun at frame ${e.frame}`);
    });
    mixer.start();
    const input = () => mixer.metrics().inputs.find((i) => i.id === capture.id)!;
    await waitFor(() => input().locked, 'the capture to lock', 30000);
    await jack.freeze(1500);
    await waitFor(() => input().resyncs >= 1, 'the re-sync', 10000);
    await waitFor(() => input().locked, 'the capture to lock again', 30000);
    // Back to normal: nothing lost or padded since it locked again, over a 2 s stretch in which
    // the machine itself did not glitch. A stall of the host's stops the mix (a master xrun) or
    // JACK (its driver late) now and then, and the ring pays for it with an underrun or an
    // overrun that says nothing about the loop: such a stretch is looked at again, up to 10 times.
    // The glitches are counted from before each stretch to 300 ms after it (the metrics poll
    // lags), so one near its edges also excludes it.
    const machineGlitches = (): number => mixer.metrics().xruns + jack.xruns().driverLate;
    const stretches: string[] = [];
    let clean: { before: InputMetrics; after: InputMetrics } | undefined;
    for (let t = 0; t < 10 && !clean; t++) {
      const g = machineGlitches();
      const before = input();
      await new Promise((r) => setTimeout(r, 2000));
      const after = input();
      await new Promise((r) => setTimeout(r, 300));
      const glitched = machineGlitches() - g;
      stretches.push(`${glitched} machine glitches, ${after.underruns - before.underruns} underruns, ${after.overruns - before.overruns} overruns`);
      if (glitched === 0) clean = { before, after };
    }
    console.log(`stalled capture, 2 s stretches after the lock: ${stretches.join('; ')}`);
    expect(clean).toBeDefined(); // else the machine glitched in every one of 10 stretches
    expect(clean!.after.underruns).toBe(clean!.before.underruns);
    expect(clean!.after.overruns).toBe(clean!.before.overruns);
    const after = input();
    await new Promise((r) => setTimeout(r, 250)); // let the poll deliver the events
    // One re-sync for the stall: no more, unless the machine itself stalled too, which this
    // machine's hypervisor does now and then for a period or more. A stall of JACK's (its driver
    // woke late: jackd reports it, the freeze's own among them) can take a re-sync of its own, and
    // one at a master xrun's frame is the engine's answer to the mix's own stall (as above).
    const deviceStalls = jack.xruns().driverLate - jackXruns;
    const own = resyncs.filter((r) => !xrunFrames.includes(r.frame));
    console.log(`stalled capture: ${resyncs.length} re-syncs, ${own.length} not at a master xrun; JACK driver late ${deviceStalls} times`);
    expect(resyncs.length).toBe(after.resyncs);
    expect(own.every((r) => r.id === capture.id)).toBe(true);
    expect(own.length).toBeGreaterThanOrEqual(1);
    expect(own.length).toBeLessThanOrEqual(Math.max(1, deviceStalls));
    expect(after.device!.failed).toBe(false);
  } finally {
    await mixer.close();
  }
}, 120_000);
