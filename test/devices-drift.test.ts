/**
 * Drift compensation between two real sound servers, two clocks: a mixer driven by a JACK device
 * (the master clock) plays its mix into a PulseAudio null sink through an extra output, and
 * captures it back from the sink's monitor through a capture input. Both the output (PulseAudio's
 * clock against the mix's) and the capture (the same against the mix's) are compensated: after
 * lock they must hold for a minute with no underrun, overrun, underflow or re-sync, and the tone
 * must come back at its level.
 */
import { Mixer } from '..';
import { channel, toneDb } from './helpers/audio';
import { startJack, startPulse, type JackServer, type PulseServer } from './helpers/servers';
import { waitFor } from './helpers/wait';

const sampleRate = 48000;
const jackDevice = { name: 'system', hostApi: 'JACK Audio Connection Kit' };
const pulseDevice = { name: 'pulse', hostApi: 'ALSA' };

let jack: JackServer;
let pulse: PulseServer;
beforeAll(async () => {
  jack = await startJack(sampleRate, 256);
  pulse = await startPulse(sampleRate);
});
afterAll(async () => {
  await pulse?.stop();
  await jack?.stop();
});

it('a PulseAudio capture and output against a JACK-clocked mix stay locked for a minute', async () => {
  const mixer = new Mixer({ sampleRate, periodFrames: 256, clock: { output: jackDevice } });
  try {
    // The tone on the left only; the monitor's left channel (the tone, played through PulseAudio
    // and back) on the right only, so nothing captured is played into the sink again.
    mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -12 }, pan: -1 });
    const out = mixer.addOutput({ device: pulseDevice });
    const monitor = mixer.addInput({ source: { device: pulseDevice, channels: [0] }, pan: 1 });
    const tap = mixer.tap({ capacityFrames: 2 * sampleRate });
    const resyncs: string[] = [];
    mixer.on('resync', (e) => resyncs.push(`${e.kind} ${e.id}`));
    mixer.start();
    const state = () => {
      const m = mixer.metrics();
      return { input: m.inputs.find((i) => i.id === monitor.id)!, output: m.consumers.find((c) => c.id === out.id)! };
    };
    // PulseAudio stalls about a second when streams start, and a few seconds later raises its own
    // latency once (its adaptive buffering: a step of about 250 frames on both sides); then both
    // loops settle and lock.
    await waitFor(() => state().input.locked && state().output.locked === true, 'both to lock', 90000);
    const before = state();
    const lockedAt = Date.now();
    let lost = 0; // half-second samples with either loop unlocked
    let samples = 0;
    while (Date.now() - lockedAt < 60_000) {
      await new Promise((r) => setTimeout(r, 500));
      const s = state();
      samples++;
      if (!s.input.locked || !s.output.locked) lost++;
    }
    tap.read();
    await new Promise((r) => setTimeout(r, 1100));
    const audio = tap.read().subarray(0, 2 * sampleRate);
    const after = state();
    const { input, output } = after;
    console.log(
      `PulseAudio against JACK, 60 s after lock: capture ${input.clockPpm.toFixed(1)} ppm, ` +
        `latency ${input.latencyFrames.toFixed(0)} frames; output ${output.clockPpm!.toFixed(1)} ppm, ` +
        `lag ${output.latencyFrames!.toFixed(0)} frames; unlocked in ${lost} of ${samples} samples`,
    );
    // No glitch after lock: no gap, no drop, no jump. (Lock itself can lapse for a few seconds
    // when the JACK dummy driver's clock hiccups on a busy machine; the loops ride that out.)
    expect(resyncs).toEqual([]);
    expect(input.underruns - before.input.underruns).toBe(0);
    expect(input.overruns - before.input.overruns).toBe(0);
    expect(input.resyncs - before.input.resyncs).toBe(0);
    expect(output.device!.underflows - before.output.device!.underflows).toBe(0);
    expect(output.dropouts - before.output.dropouts).toBe(0);
    expect(output.resyncs! - before.output.resyncs!).toBe(0);
    // The tone comes back at its level (0.5 dB: a wrong gain or pan law is off by 3 dB or more).
    expect(toneDb(channel(audio, 2, 1), sampleRate, 1000)).toBeCloseTo(-12, 0);
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
