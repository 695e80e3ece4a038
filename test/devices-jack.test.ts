/**
 * Real devices through real PortAudio against a real JACK server (dummy driver): the mix runs in
 * the JACK device's callback, a capture input hears the output looped back with jack_connect, an
 * extra output plays the mix, and a server that dies is reported while the rest keeps running.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Mixer, listDevices, listHostApis } from '..';
import { channel, goertzelDb, toneDb } from './helpers/audio';
import { collect, collectClean } from './helpers/mix';
import { startJack, type JackServer } from './helpers/servers';
import { waitFor } from './helpers/wait';

const JACK = 'JACK Audio Connection Kit';
const device = { name: 'system', hostApi: JACK };
const sampleRate = 48000;

let jack: JackServer;
beforeAll(async () => {
  jack = await startJack(sampleRate, 256);
});
afterAll(async () => {
  await jack?.stop();
});

/**
 * The first `length`-sample stretch of `x` with no gap in it (a gap: four samples in a row near
 * zero, which a tone at -10 dBFS never has), searched in steps of a tenth of `length`; -1 if none.
 */
function gapFreeWindow(x: Float32Array, length: number): number {
  const quiet = x.map((v) => (Math.abs(v) < 0.01 ? 1 : 0));
  let run = 0;
  const gapEnds: number[] = [];
  quiet.forEach((q, i) => {
    run = q ? run + 1 : 0;
    if (run === 4) gapEnds.push(i);
  });
  for (let start = 0; start + length <= x.length; start += length / 10) {
    if (!gapEnds.some((g) => g >= start && g - 3 < start + length)) return start;
  }
  return -1;
}

/** Our JACK ports: PortAudio names its client 'ringmix' (JACK may add a suffix). */
function ourPorts(kind: 'in' | 'out'): string[] {
  return jack.ports('ringmix').filter((p) => p.includes(`:${kind}_`));
}

// A test that fails half-way must not leave its mixer (and its JACK ports) to the next one.
const mixers: Mixer[] = [];
function track(m: Mixer): Mixer {
  mixers.push(m);
  return m;
}
afterEach(async () => {
  for (const m of mixers.splice(0)) await m.close();
});

/** Waits until every input that compensates drift holds its target (duplex inputs always do). */
/** The JACK server's own xruns (its driver or a client late): they cut the loop's audio too. */
function jackXruns(): number {
  const x = jack.xruns();
  return x.driverLate + x.clientLate;
}

async function settled(mixer: Mixer): Promise<void> {
  try {
    await waitFor(() => mixer.metrics().inputs.every((i) => i.locked), 'the inputs to lock', 20000);
  } catch (e) {
    // Say which input did not lock, and how its loop stood.
    const state = mixer.metrics().inputs.map((i) => ({ name: i.name, locked: i.locked, clockPpm: i.clockPpm, ratio: i.ratio, latencyFrames: i.latencyFrames, resyncs: i.resyncs, underruns: i.underruns, overruns: i.overruns }));
    throw new Error(`${(e as Error).message}: ${JSON.stringify(state)}; JACK xruns ${JSON.stringify(jack.xruns())}`);
  }
}

describe('JACK', () => {
  it('lists the JACK host API and its device', () => {
    expect(listHostApis()).toContain(JACK);
    const system = listDevices().find((d) => d.hostApi === JACK && d.name === 'system');
    expect(system).toMatchObject({ maxInputChannels: 2, maxOutputChannels: 2, defaultSampleRate: sampleRate });
  });

  it('runs the mix in the output device callback and hears it back through a capture input', async () => {
    const mixer = track(new Mixer({ sampleRate, periodFrames: 256, clock: { output: device } }));
    expect(mixer.clock).toBe('device');
    // The generator on the left only; the capture (device channel 0 = our left output, looped
    // back) on the right only: so the right channel carries nothing but what came back.
    mixer.addInput({ name: 'tone', source: { generator: 'sine', frequency: 1000, levelDb: -12 }, pan: -1 });
    const capture = mixer.addInput({ name: 'loop', source: { device, channels: [0] }, pan: 1 });
    const tap = mixer.tap();
    mixer.start();
    await waitFor(() => ourPorts('in').length >= 1 && ourPorts('out').length >= 2, 'our JACK ports');
    const [outL] = ourPorts('out');
    const [inL] = ourPorts('in');
    jack.disconnect('system:capture_1', inL!);
    jack.connect(outL!, inL!);
    await settled(mixer); // the generator is on its own clock: its drift compensation locks first
    await collect(mixer, tap, sampleRate / 2); // let the loop and the input's jitter buffer settle
    const audio = await collectClean(mixer, tap, sampleRate, 5, jackXruns);
    const left = channel(audio, 2, 0);
    const right = channel(audio, 2, 1);
    // Levels within 0.5 dB (a wrong gain or pan law is off by 3 dB or more), in a window with no
    // xrun (collectClean: one on this shared 2-core machine would nick it).
    expect(toneDb(left, sampleRate, 1000)).toBeCloseTo(-12, 0);
    // Mono capture panned hard right: constant-power law puts the full level there.
    expect(toneDb(right, sampleRate, 1000)).toBeCloseTo(-12, 0);
    const m = mixer.metrics();
    expect(m.clockDevice).toMatchObject({ failed: false, sampleRate });
    expect(m.clockDevice!.callbacks).toBeGreaterThan(100);
    const loop = m.inputs.find((i) => i.id === capture.id)!;
    expect(loop.device).toMatchObject({ failed: false, sampleRate });
    expect(loop.peakDb[0]).toBeCloseTo(-12, 0);
    await mixer.close();
  });

  it('measures the round-trip latency of an impulse through a duplex device: its buffers only', async () => {
    const mixer = track(new Mixer({ sampleRate, periodFrames: 256, clock: { output: device } }));
    // The generator's own drift compensation would band-limit its impulses (their peak would
    // depend on the resampler's phase): this test is about the device loop, so it plays them raw.
    mixer.addInput({ source: { generator: 'impulses', intervalMs: 250, levelDb: -6 }, pan: -1, compensateDrift: false });
    mixer.addInput({ source: { device, channels: [0] }, pan: 1 });
    const tap = mixer.tap();
    mixer.start();
    await waitFor(() => ourPorts('in').length >= 1 && ourPorts('out').length >= 2, 'our JACK ports');
    jack.disconnect('system:capture_1', ourPorts('in')[0]!);
    jack.connect(ourPorts('out')[0]!, ourPorts('in')[0]!);
    await collect(mixer, tap, sampleRate / 2);
    const audio = await collect(mixer, tap, sampleRate);
    const left = channel(audio, 2, 0);
    const right = channel(audio, 2, 1);
    // Pair each impulse sent with the first echo that follows it within one interval.
    const interval = sampleRate / 4;
    const echoes: { sent: number; back: number }[] = [];
    for (let sent = left.findIndex((x) => x > 0.25); sent >= 0; sent = left.findIndex((x, i) => i > sent && x > 0.25)) {
      const back = right.findIndex((x, i) => i > sent && i < sent + interval && x > 0.25);
      if (back > 0) echoes.push({ sent, back });
    }
    expect(echoes.length).toBeGreaterThanOrEqual(2);
    const { sent, back } = echoes[0]!;
    const latency = back - sent;
    // The loop's latency is fixed while it runs: every echo comes back equally late.
    for (const e of echoes) expect(e.back - e.sent).toBe(latency);
    // The capture input is on the clock's own device, so it is part of the clock's (duplex) stream
    // and adds no buffering: what remains is the output buffer and JACK's loop, one period each.
    expect(latency).toBeGreaterThanOrEqual(256);
    expect(latency).toBeLessThanOrEqual(3 * 256);
    // The echo is the impulse itself, at its level (constant power, hard right).
    expect(20 * Math.log10(Math.max(...right.subarray(back - 1, back + 2)))).toBeCloseTo(-6, 1);
    console.log(`JACK round trip: ${latency} frames (${((1000 * latency) / sampleRate).toFixed(2)} ms)`);
    await mixer.close();
  });

  it('plays the mix on an extra output device', async () => {
    const mixer = track(new Mixer({ sampleRate, periodFrames: 256 })); // virtual clock
    mixer.addInput({ source: { generator: 'sine', frequency: 2000, levelDb: -10 }, pan: -1 });
    const before = new Set(ourPorts('out'));
    const out = mixer.addOutput({ device });
    const loop = mixer.addInput({ source: { device, channels: [0] }, pan: 1 });
    const tap = mixer.tap();
    mixer.start();
    await waitFor(() => ourPorts('out').some((p) => !before.has(p)) && ourPorts('in').length >= 1, 'the output ports');
    const outPort = ourPorts('out').find((p) => !before.has(p))!;
    jack.disconnect('system:capture_1', ourPorts('in')[0]!);
    jack.connect(outPort, ourPorts('in')[0]!);
    // The capture hears the output once its jitter buffer has filled: wait for its meter.
    await waitFor(() => (mixer.metrics().inputs.find((i) => i.id === loop.id)?.peakDb[0] ?? -Infinity) > -11, 'the echo');
    // The capture is on JACK's clock against the virtual one: let its drift compensation lock (and
    // the output's settle meanwhile) before judging the level.
    await settled(mixer);
    await new Promise((r) => setTimeout(r, 3000));
    const audio = await collectClean(mixer, tap, sampleRate / 2, 5, jackXruns);
    expect(toneDb(channel(audio, 2, 1), sampleRate, 2000)).toBeCloseTo(-10, 0);
    const consumer = mixer.metrics().consumers.find((c) => c.kind === 'output' && c.id === out.id)!;
    expect(consumer.device!.failed).toBe(false);
    expect(consumer.device!.callbacks).toBeGreaterThan(10);
    out.remove();
    loop.remove();
    await mixer.close();
  });

  it('a mixer at 44.1 kHz converts to and from a 48 kHz device (extra output and capture)', async () => {
    const rate = 44100;
    const mixer = track(new Mixer({ sampleRate: rate, periodFrames: 256 })); // virtual clock at 44.1 kHz
    try {
      mixer.addInput({ source: { generator: 'sine', frequency: 2000, levelDb: -10 }, pan: -1 });
      const before = new Set(ourPorts('out'));
      const out = mixer.addOutput({ device }); // JACK runs at 48 kHz only: resampled on the way out
      expect(out.sampleRate).toBe(sampleRate);
      const loop = mixer.addInput({ source: { device, channels: [0] }, pan: 1 }); // and on the way in
      const tap = mixer.tap();
      mixer.start();
      await waitFor(() => ourPorts('out').some((p) => !before.has(p)) && ourPorts('in').length >= 1, 'the ports');
      const outPort = ourPorts('out').find((p) => !before.has(p))!;
      const inPort = ourPorts('in')[0]!;
      jack.disconnect('system:capture_1', inPort);
      jack.connect(outPort, inPort);
      await waitFor(() => (mixer.metrics().inputs.find((i) => i.id === loop.id)?.peakDb[0] ?? -Infinity) > -11, 'the echo');
      expect(mixer.metrics().inputs.find((i) => i.id === loop.id)!.device!.sampleRate).toBe(sampleRate);
      // Two clocks (the virtual one, JACK's) with fixed-ratio converters between them: until drift
      // compensation holds the rings at their targets, either side may run dry now and then (a
      // counted underrun, a few milliseconds of silence). What conversion itself must do is keep
      // the tone's frequency and level: judge that on the stretches between such gaps, once the
      // capture's compensation holds (before, on a busy machine, gaps can come too often to leave
      // a clean 100 ms).
      await settled(mixer);
      await collect(mixer, tap, rate / 2);
      const audio = await collect(mixer, tap, 2 * rate);
      const right = channel(audio, 2, 1);
      const window = 4410; // 100 ms: a whole number of 2 kHz periods at 44.1 kHz
      const start = gapFreeWindow(right, window);
      expect(start).toBeGreaterThanOrEqual(0);
      const clean = right.subarray(start, start + window);
      // Two conversions (44.1 → 48 → 44.1 kHz) keep the tone's frequency and level.
      expect(toneDb(clean, rate, 2000)).toBeCloseTo(-10, 0);
      expect(goertzelDb(clean, rate, 1000)).toBeLessThan(-60);
      const m = mixer.metrics();
      console.log(
        `44.1 kHz loop through 48 kHz JACK, 2.5 s: capture underruns ${m.inputs.find((i) => i.id === loop.id)!.underruns}, ` +
          `output underflows ${m.consumers.find((c) => c.id === out.id)!.device!.underflows}`,
      );
    } finally {
      await mixer.close();
    }
    // Its waits are hang guards (15 s + 15 s + 20 s): the test's own limit covers them.
  }, 90000);

  // Last: it stops the server. It runs in a child process, because PortAudio cannot close streams
  // whose server died (ringmix abandons them, see ARCHITECTURE.md), which would keep this worker
  // process from rescanning devices for the test files after this one.
  it('a JACK server that goes away raises deviceError; the input reads silence, the rest runs on', async () => {
    const script = `
      const { Mixer, DeviceError, RingmixError } = require(${JSON.stringify(path.join(__dirname, '..'))});
      const mixer = new Mixer({ sampleRate: 48000, periodFrames: 256 }); // virtual clock
      mixer.addInput({ source: { generator: 'sine', frequency: 500, levelDb: -6 } });
      const capture = mixer.addInput({ source: { device: { name: 'system', hostApi: ${JSON.stringify(JACK)} }, channels: [0, 1] } });
      const tap = mixer.tap();
      mixer.start();
      // Keep the process alive until the answer is in (the mixer's own timers do not).
      const keepAlive = setTimeout(() => { console.log('{"error":"no deviceError within 20 s"}'); process.exit(3); }, 20000);
      const status = () => mixer.metrics().inputs.find((i) => i.id === capture.id);
      const ready = setInterval(() => {
        if ((status()?.device?.callbacks ?? 0) > 20) { clearInterval(ready); console.log('ready'); }
      }, 10);
      mixer.on('deviceError', (e) => {
        const framesAtError = mixer.metrics().frames;
        tap.read();
        setTimeout(async () => {
          const after = tap.read();
          let peak = 0;
          for (let i = 0; i < after.length; i += 2) peak = Math.max(peak, Math.abs(after[i]));
          const result = { error: { code: e.code, kind: e.kind, id: e.id, device: e.device, message: e.message, name: e.name,
              isDeviceError: e instanceof DeviceError, isRingmixError: e instanceof RingmixError },
            captureId: capture.id, failed: status().device.failed, framesAtError,
            framesAfter: mixer.metrics().frames, tapFrames: after.length / 2, peakDb: 20 * Math.log10(peak) };
          await mixer.close();
          clearTimeout(keepAlive);
          console.log(JSON.stringify(result));
        }, 500);
      });
    `;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes('ready'), 'the child to capture from JACK');
    await jack.stop();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const r = JSON.parse(out.slice(out.indexOf('{')));
    expect(r.error).toMatchObject({ code: 'ERR_DEVICE', kind: 'input', id: r.captureId, device: 'system' });
    expect(r.error).toMatchObject({ name: 'DeviceError', isDeviceError: true, isRingmixError: true });
    expect(r.error.message).toMatch(/input \d+ \('system'\)/);
    expect(r.failed).toBe(true);
    // The generator and the mix ran on: half a second more of mix, at the generator's level.
    expect(r.framesAfter).toBeGreaterThan(r.framesAtError + 12000);
    expect(r.tapFrames).toBeGreaterThan(12000);
    expect(r.peakDb).toBeCloseTo(-6, 1);
  });
});
