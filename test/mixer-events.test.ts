/**
 * The polling timer never takes the host process down: an engine that fails while being polled is
 * reported as a coded 'error' event (or a single warning when nobody listens), and polling goes
 * on; a listener's own exception propagates as from any emitter, and later polls still run.
 *
 * Each case runs in a child process (an uncaught exception there is the thing being observed).
 * The engine's faults are injected by wrapping the addon's Mixer, since a healthy engine never
 * fails to report its events.
 */
import path from 'node:path';
import { runNode } from './helpers/child';

const root = path.join(__dirname, '..');

/** Child preamble: the package, with `fault` (when set) thrown by the engine's pollEvents. */
const preamble = `
  const root = ${JSON.stringify(root)};
  const nativeModule = require(root + '/dist/native');
  const real = nativeModule.native();
  let fault = null;
  let faults = 0;
  function FaultyMixer(options) {
    const engine = new real.Mixer(options);
    return new Proxy(engine, {
      get(target, key) {
        if (key === 'pollEvents' && fault) return () => { faults++; throw fault; };
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
  nativeModule.native = () => ({ ...real, Mixer: FaultyMixer });
  const { Mixer, RingmixError } = require(root);
  const keepAlive = setTimeout(() => { console.log(JSON.stringify({ error: 'timed out' })); process.exit(3); }, 20000);
  const finish = async (mixer, result) => { await mixer.close(); clearTimeout(keepAlive); console.log(JSON.stringify(result)); };
`;

it("a failing poll is emitted as a coded 'error'; polling goes on", async () => {
  const script = `${preamble}
    const mixer = new Mixer({ metricsIntervalMs: 10 });
    const seen = [];
    fault = new Error('injected');
    mixer.on('error', (e) => {
      seen.push({ isRingmixError: e instanceof RingmixError, name: e.name, code: e.code, message: e.message, cause: e.cause && e.cause.message });
      if (seen.length === 2) fault = Object.assign(new Error('native says the device is gone'), { code: 'ERR_DEVICE' });
      if (seen.length === 3) {
        fault = null;
        mixer.once('metrics', (m) => finish(mixer, { seen, metricsAfter: typeof m.frames }));
      }
    });
  `;
  const r = await runNode(script);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const out = JSON.parse(r.out);
  expect(out.seen[0]).toEqual({
    isRingmixError: true,
    name: 'RingmixError',
    code: 'ERR_INTERNAL',
    message: 'polling the engine failed: injected',
    cause: 'injected',
  });
  expect(out.seen[2]).toMatchObject({ isRingmixError: true, code: 'ERR_DEVICE', message: 'native says the device is gone' });
  expect(out.metricsAfter).toBe('number');
});

it("without an 'error' listener a failing poll is one warning, not a crash; polling goes on", async () => {
  const script = `${preamble}
    const mixer = new Mixer({ metricsIntervalMs: 10 });
    const warnings = [];
    process.on('warning', (w) => warnings.push({ name: w.name, code: w.code, message: w.message }));
    fault = new Error('injected');
    const heal = setInterval(() => { if (faults >= 5) { clearInterval(heal); fault = null; } }, 5);
    mixer.on('metrics', () => finish(mixer, { warnings, faults }));
  `;
  const r = await runNode(script);
  expect(r.code).toBe(0);
  const out = JSON.parse(r.out);
  expect(out.faults).toBeGreaterThanOrEqual(5);
  // The same failure five times or more: warned once.
  expect(out.warnings).toEqual([{ name: 'RingmixError', code: 'ERR_INTERNAL', message: 'polling the engine failed: injected' }]);
  expect(r.err.match(/RingmixError: polling the engine failed: injected/g)).toHaveLength(1);
});

it("a 'metrics' listener that throws propagates like any listener's error, and later polls still run", async () => {
  const script = `${preamble}
    const mixer = new Mixer({ metricsIntervalMs: 10 });
    const uncaught = [];
    process.on('uncaughtException', (e) => {
      uncaught.push(e.message);
      if (uncaught.length === 3) finish(mixer, { uncaught });
    });
    let n = 0;
    mixer.on('metrics', () => { throw new Error('listener bug ' + n++); });
  `;
  const r = await runNode(script);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out).uncaught).toEqual(['listener bug 0', 'listener bug 1', 'listener bug 2']);
});

it("with no handler for it, a listener's exception ends the process like any uncaught exception", async () => {
  const script = `${preamble}
    const mixer = new Mixer({ metricsIntervalMs: 10 });
    mixer.on('metrics', () => { throw new Error('listener bug'); });
  `;
  const r = await runNode(script);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/Error: listener bug/);
});
