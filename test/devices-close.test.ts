/**
 * Closing is always safe. Until the engine was rebuilt, a mixer closed soon after it started could
 * take the process down: streams that had not called back within 100 ms (PulseAudio's start-up
 * stall, a 4096-frame period at 8 kHz) were taken for dead, not stopped, and freed while PortAudio
 * still called into them. Reproduced: PulseAudio start-then-close, SIGSEGV within 9–12 rounds;
 * JACK at 8 kHz with 4096-frame periods, SIGSEGV on the first or fifth close.
 *
 * Each scenario runs many rounds in a row in a child process (a crash must fail the test, not
 * jest), and reports how long close() kept the event loop busy (it returns at once: the stopping
 * and closing happen on a worker thread).
 */
import path from 'node:path';
import { runNode } from './helpers/child';
import { measureLoopBlockSource } from './helpers/event-loop';
import { startJack, startPulse, type JackServer, type PulseServer } from './helpers/servers';

const root = path.join(__dirname, '..');
const JACK = { name: 'system', hostApi: 'JACK Audio Connection Kit' };
const PULSE = { name: 'pulse', hostApi: 'ALSA' };

interface Scenario {
  options: object;
  device: object;
  rounds: number;
  /** Milliseconds between start() and close(), cycled through. */
  delays: number[];
}

/** Runs the rounds in a child; returns what it measured. */
async function rounds(s: Scenario): Promise<{ rounds: number; maxSyncMs: number; maxDelayMs: number; totalMs: number[] }> {
  const script = `
    ${measureLoopBlockSource}
    const { Mixer } = require(${JSON.stringify(root)});
    (async () => {
      const r = { rounds: 0, maxSyncMs: 0, maxDelayMs: 0, totalMs: [] };
      const delays = ${JSON.stringify(s.delays)};
      for (let i = 0; i < ${s.rounds}; i++) {
        const mixer = new Mixer(${JSON.stringify(s.options)});
        mixer.addInput({ source: { generator: 'sine', levelDb: -12 } });
        const capture = mixer.addInput({ source: { device: ${JSON.stringify(s.device)}, channels: [0] } });
        mixer.start();
        const delay = delays[i % delays.length];
        if (delay > 0) await new Promise((res) => setTimeout(res, delay));
        if (i % 4 === 3) { mixer.stop(); mixer.start(); }
        if (i % 5 === 4) capture.remove();
        const m = await measureLoopBlock(() => mixer.close());
        r.maxSyncMs = Math.max(r.maxSyncMs, m.syncMs);
        r.maxDelayMs = Math.max(r.maxDelayMs, m.maxDelayMs);
        r.totalMs.push(Math.round(m.totalMs));
        r.rounds++;
      }
      console.log(JSON.stringify(r));
    })();
  `;
  const { code, out, err } = await runNode(script);
  expect(err).toBe('');
  expect(code).toBe(0); // a crash (SIGSEGV: null exit code) fails here
  return JSON.parse(out);
}

function report(what: string, r: Awaited<ReturnType<typeof rounds>>): void {
  const sorted = [...r.totalMs].sort((a, b) => a - b);
  console.log(
    `${what}: ${r.rounds} rounds; close() blocked the event loop at most ${r.maxSyncMs.toFixed(2)} ms ` +
      `(longest loop delay while closing ${r.maxDelayMs.toFixed(1)} ms); closing took ` +
      `${sorted[0]}–${sorted[sorted.length - 1]} ms off the loop (median ${sorted[sorted.length >> 1]})`,
  );
}

describe('JACK at 8 kHz with 4096-frame periods (half a second per period)', () => {
  let jack: JackServer;
  beforeAll(async () => {
    jack = await startJack(8000, 4096);
  });
  afterAll(async () => {
    await jack?.stop();
  });

  const delays = [0, 50, 600];
  it('the JACK device as the master clock, closed right after start, mid-period and after callbacks', async () => {
    const device = { ...JACK };
    const r = await rounds({ options: { sampleRate: 8000, periodFrames: 4096, clock: { output: device } }, device, rounds: 6, delays });
    expect(r.rounds).toBe(6);
    report('JACK clock, 8 kHz / 4096', r);
  }, 120000);

  it('a JACK capture input under the virtual clock, the same', async () => {
    const r = await rounds({ options: { sampleRate: 8000, periodFrames: 4096 }, device: JACK, rounds: 6, delays });
    expect(r.rounds).toBe(6);
    report('JACK capture, 8 kHz / 4096', r);
  }, 120000);
});

describe('PulseAudio (it stalls about a second when streams start)', () => {
  let pulse: PulseServer;
  beforeAll(async () => {
    pulse = await startPulse(48000);
  });
  afterAll(async () => {
    await pulse?.stop();
  });

  it('a capture input started then closed at once, and after 300 ms, many times in a row', async () => {
    const r = await rounds({ options: { sampleRate: 48000, periodFrames: 256 }, device: PULSE, rounds: 24, delays: [0, 0, 300] });
    expect(r.rounds).toBe(24);
    report('PulseAudio capture', r);
  }, 120000);
});
