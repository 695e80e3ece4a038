/**
 * Extra outputs and the device clock, as consumers of the mix.
 *
 * What leaves for a device is clipped to ±1, and counted. Faders go to +24 dB and there is no
 * limiter yet, so the float mix can exceed full scale; streams are opened with paClipOff, so an
 * integer-format device would wrap those overs into full-scale cracks. Through JACK (which passes
 * floats through untouched) a loopback hears exactly what we sent the device.
 */
import { Mixer, type DropoutEvent } from '..';
import { channel } from './helpers/audio';
import { collect } from './helpers/mix';
import { startJack, type JackServer } from './helpers/servers';
import { waitFor } from './helpers/wait';

const device = { name: 'system', hostApi: 'JACK Audio Connection Kit' };
const sampleRate = 48000;

let jack: JackServer;
beforeAll(async () => {
  jack = await startJack(sampleRate, 256);
});
afterAll(async () => {
  await jack?.stop();
});

const ports = (kind: 'in' | 'out') => jack.ports('ringmix').filter((p) => p.includes(`:${kind}_`));
const peakOf = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** Routes our new output port into our capture port instead of the dummy's capture. */
async function loop(outBefore: Set<string>): Promise<void> {
  await waitFor(() => ports('out').some((p) => !outBefore.has(p)) && ports('in').length >= 1, 'our ports');
  const outPort = ports('out').find((p) => !outBefore.has(p))!;
  jack.disconnect('system:capture_1', ports('in')[0]!);
  jack.connect(outPort, ports('in')[0]!);
}

it.each([
  ['the output device driving the mix', true],
  ['an extra output device', false],
])('with no limiter stage, a mix at +6 dBFS reaches %s clipped at full scale; taps get it as it is', async (_what, clocked) => {
  const before = new Set(ports('out'));
  // limiter: false: the overs reach the device's last line of defence (the default limiter would
  // keep them under -1 dBTP: mixer-dsp.test.ts).
  const mixer = new Mixer({ sampleRate, periodFrames: 256, limiter: false, ...(clocked ? { clock: { output: device } } : {}) });
  try {
    // -6 dBFS + 12 dB: a peak of 2.0, on the left only (balance, hard left).
    mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 }, gainDb: 12, pan: -1 });
    const out = clocked ? null : mixer.addOutput({ device });
    // What the device was sent, heard back on the right (a mono capture, hard right), exactly:
    // not resampled by drift compensation, whose band limit would ring past the clipped edges.
    const back = mixer.addInput({ source: { device, channels: [0] }, pan: 1, compensateDrift: false });
    const tap = mixer.tap();
    mixer.start();
    await loop(before);
    await waitFor(() => (mixer.metrics().inputs.find((i) => i.id === back.id)!.peakDb[0] ?? -Infinity) > -1, 'the echo');
    tap.read();
    const mix = await collect(mixer, tap, sampleRate / 2);
    expect(20 * Math.log10(peakOf(channel(mix, 2, 0)))).toBeCloseTo(6.02, 1); // consumers: unclipped
    expect(peakOf(channel(mix, 2, 1))).toBeLessThanOrEqual(1); // the device: never past full scale
    expect(peakOf(channel(mix, 2, 1))).toBeGreaterThan(0.99);
    const m = mixer.metrics();
    const stream = clocked ? m.clockDevice! : m.consumers.find((c) => c.id === out!.id)!.device!;
    // Half of every 1 kHz cycle is beyond ±1 at a peak of 2 (|sin| > 0.5 for 2/3 of the time).
    expect(stream.clippedSamples).toBeGreaterThan(sampleRate / 4);
  } finally {
    await mixer.close();
  }
});

it('an output device that falls behind the mix skips ahead, reports the loss, and shares no id with a tap', async () => {
  const mixer = new Mixer({ sampleRate, periodFrames: 256 });
  try {
    mixer.addInput({ source: { generator: 'sine', levelDb: -12 } });
    const out = mixer.addOutput({ device });
    const tap = mixer.tap();
    expect(tap.id).not.toBe(out.id); // one id space for consumers
    const dropouts: DropoutEvent[] = [];
    mixer.on('dropout', (d) => dropouts.push(d));
    mixer.start();
    await waitFor(() => mixer.metrics().consumers.find((c) => c.id === out.id)!.device!.callbacks > 20, 'the output playing');
    // The server stops calling back for longer than the broadcast ring holds (2.7 s at 48 kHz):
    // the mix goes on, and when the output's callbacks resume it has been lapped.
    await jack.freeze(3500);
    await waitFor(() => dropouts.some((d) => d.kind === 'output'), "the output's dropout", 10000);
    const event = dropouts.find((d) => d.kind === 'output')!;
    const metrics = mixer.metrics().consumers.find((c) => c.id === out.id)!;
    expect(event.consumerId).toBe(out.id);
    expect(event.lostFrames).toBeGreaterThan(sampleRate); // seconds of mix, not a glitch
    expect(metrics.dropouts).toBeGreaterThanOrEqual(1);
    expect(metrics.lostFrames).toBeGreaterThanOrEqual(event.lostFrames);
    tap.close();
  } finally {
    await mixer.close();
  }
}, 30000);
