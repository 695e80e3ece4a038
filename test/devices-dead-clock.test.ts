/**
 * A mixer whose clock device dies is not a running mixer: the JACK server driving the mix goes
 * away, the mixer says so ('deviceError' with kind 'clock', `running` false), and from then on
 * every call still returns at once and does what it says: nothing waits for a callback that will
 * never come, setters neither block nor throw, removed inputs are handed back and freed on the JS
 * thread, and close() finishes. (Before: after ~2,000 setter calls every setter blocked the event
 * loop ~50 ms and threw, and input.remove() on the full queue aborted the process.)
 *
 * The mixer runs in a child process: PortAudio cannot close streams whose server died, and such a
 * process keeps them (and its device list) for good.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startJack } from './helpers/servers';
import { waitFor } from './helpers/wait';

const root = path.join(__dirname, '..');

const child = `
  const { Mixer } = require(${JSON.stringify(root)});
  const device = { name: 'system', hostApi: 'JACK Audio Connection Kit' };
  const mixer = new Mixer({ sampleRate: 48000, periodFrames: 256, clock: { output: device } });
  const tone = mixer.addInput({ source: { generator: 'sine', levelDb: -6 } });
  const push = mixer.addInput({ source: { push: { channels: 2 } } });
  const capture = mixer.addInput({ source: { device, channels: [0] } });
  mixer.start();
  const errors = [];
  mixer.on('deviceError', (e) => errors.push({ name: e.name, code: e.code, kind: e.kind }));
  const keepAlive = setTimeout(() => { console.log(JSON.stringify({ error: 'no deviceError within 30 s' })); process.exit(3); }, 30000);
  const ready = setInterval(() => {
    if ((mixer.metrics().clockDevice?.callbacks ?? 0) > 50) { clearInterval(ready); console.log('ready'); }
  }, 10);
  const timed = (fn) => { const t = performance.now(); fn(); return performance.now() - t; };
  const waitClockError = setInterval(async () => {
    if (!errors.some((e) => e.kind === 'clock')) return;
    clearInterval(waitClockError);
    const r = { errors, runningAfterError: mixer.running, slowestMs: 0, thrown: [] };
    const call = (fn) => {
      try { r.slowestMs = Math.max(r.slowestMs, timed(fn)); } catch (err) { r.thrown.push(String(err.code || err)); }
    };
    // 50,000 setters, inputs coming and going, without yielding.
    for (let i = 0; i < 10000; i++) {
      call(() => (tone.gainDb = -(i % 40)));
      call(() => (tone.pan = (i % 3) - 1));
      call(() => (push.muted = i % 2 === 0));
      call(() => (push.solo = i % 5 === 0));
      call(() => (mixer.master.gainDb = -(i % 6)));
    }
    for (let i = 0; i < 300; i++) call(() => mixer.addInput({ source: { generator: 'silence' } }).remove());
    call(() => push.write(new Float32Array(512)));
    call(() => capture.remove());
    call(() => push.remove());
    r.inputsAfter = mixer.metrics().inputs.map((i) => i.id);
    r.toneId = tone.id;
    const t = performance.now();
    const closing = mixer.close();
    r.closeSyncMs = performance.now() - t;
    await closing;
    r.closeMs = performance.now() - t;
    clearTimeout(keepAlive);
    console.log(JSON.stringify(r));
  }, 20);
`;

it('a mixer whose JACK clock dies keeps every call non-blocking, drains its commands and closes', async () => {
  const jack = await startJack(48000, 256);
  const proc = spawn(process.execPath, ['-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await waitFor(() => out.includes('ready'), 'the child mixing on JACK', 20000);
  } finally {
    await jack.stop();
  }
  const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
  expect(code).toBe(0);
  const r = JSON.parse(out.slice(out.indexOf('{')));
  console.log(
    `dead JACK clock: slowest of 50,000 setters and 300 add/remove pairs ${r.slowestMs.toFixed(2)} ms; ` +
      `close() returned in ${r.closeSyncMs.toFixed(2)} ms and finished in ${r.closeMs.toFixed(0)} ms`,
  );
  expect(r.errors).toContainEqual({ name: 'DeviceError', code: 'ERR_DEVICE', kind: 'clock' });
  expect(r.runningAfterError).toBe(false);
  expect(r.thrown).toEqual([]);
  // The removals were applied (on the JS thread: no clock runs the cycle any more).
  expect(r.inputsAfter).toEqual([r.toneId]);
});
