/**
 * The device list: read once and cached (initialising PortAudio, and connecting to servers such as
 * JACK, takes from a tenth of a second to seconds), rescanned only when asked, off the event loop
 * when asked with rescanDevices(). And PortAudio calls made from several workers at once are
 * serialised: rescans in one worker never race device opens in another, and a device index that a
 * rescan made stale is checked against the device's name when the stream opens.
 *
 * In child processes: each needs a fresh PortAudio, and some a JACK server of their own.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { runNode } from './helpers/child';
import { measureLoopBlockSource } from './helpers/event-loop';
import { startJack, type JackServer } from './helpers/servers';
import { waitFor } from './helpers/wait';

const root = path.join(__dirname, '..');
const JACK = 'JACK Audio Connection Kit';

it('the list is cached: a JACK server started later appears only after a rescan', async () => {
  const name = `ringmix-list-${process.pid}`;
  const script = `
    ${measureLoopBlockSource}
    const { listDevices, rescanDevices } = require(${JSON.stringify(root)});
    const jack = () => listDevices().filter((d) => d.hostApi === ${JSON.stringify(JACK)}).length;
    (async () => {
      const r = {};
      r.first = await measureLoopBlock(() => listDevices());
      r.jackBefore = jack();
      console.log('listed');
      await new Promise((res) => process.stdin.once('data', res));
      r.cached = await measureLoopBlock(() => listDevices());
      r.jackCached = jack();
      r.rescan = await measureLoopBlock(() => listDevices({ rescan: true }));
      r.jackAfterRescan = jack();
      r.rescanAsync = await measureLoopBlock(() => rescanDevices());
      r.asyncFound = (await rescanDevices()).some((d) => d.hostApi === ${JSON.stringify(JACK)} && d.name === 'system');
      console.log(JSON.stringify(r));
      process.exit(0);
    })();
  `;
  const proc = spawn(process.execPath, ['-e', script], {
    env: { ...process.env, JACK_DEFAULT_SERVER: name, JACK_NO_START_SERVER: '1' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(() => out.includes('listed'), 'the first listing');
  const jack = await startJack(48000, 1024, name);
  try {
    proc.stdin.write('go\n');
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    expect(code).toBe(0);
  } finally {
    await jack.stop();
  }
  const r = JSON.parse(out.slice(out.indexOf('{')));
  expect(r.jackBefore).toBe(0);
  expect(r.jackCached).toBe(0); // cached: the new server is not looked for
  expect(r.jackAfterRescan).toBeGreaterThan(0);
  expect(r.asyncFound).toBe(true);
  const ms = (x: number) => x.toFixed(2);
  console.log(
    `listDevices: first ${ms(r.first.syncMs)} ms (initialises PortAudio), cached ${ms(r.cached.syncMs)} ms, ` +
      `{ rescan: true } ${ms(r.rescan.syncMs)} ms (blocking, by request); rescanDevices() ` +
      `${ms(r.rescanAsync.syncMs)} ms on the loop, longest loop delay ${ms(r.rescanAsync.maxDelayMs)} ms ` +
      `while it took ${ms(r.rescanAsync.totalMs)} ms`,
  );
});

describe('with a JACK server', () => {
  let jack: JackServer;
  beforeAll(async () => {
    jack = await startJack(48000, 256);
  });
  afterAll(async () => {
    await jack?.stop();
  });

  it('workers rescanning and opening JACK streams at the same time never crash or fail', async () => {
    const worker = `
      const { parentPort } = require('node:worker_threads');
      const { Mixer, listDevices, rescanDevices } = require(${JSON.stringify(root)});
      (async () => {
        let opened = 0;
        for (let i = 0; i < 6; i++) {
          if (i % 2) await rescanDevices(); else listDevices({ rescan: true });
          const mixer = new Mixer({ sampleRate: 48000, periodFrames: 256 });
          mixer.addInput({ source: { device: { name: 'system', hostApi: ${JSON.stringify(JACK)} }, channels: [0] } });
          mixer.start();
          await new Promise((r) => setTimeout(r, 20));
          await mixer.close();
          opened++;
        }
        parentPort.postMessage(opened);
      })().catch((e) => parentPort.postMessage(String(e.code || e)));
    `;
    const script = `
      const { Worker } = require('node:worker_threads');
      const run = () => new Promise((resolve) => {
        const w = new Worker(${JSON.stringify(worker)}, { eval: true });
        w.on('message', resolve);
        w.on('error', (e) => resolve('error: ' + e.message));
      });
      Promise.all([run(), run(), run()]).then((r) => { console.log(JSON.stringify(r)); process.exit(0); });
    `;
    const { code, signal, out, err } = await runNode(script);
    // Whether it crashed before or after the workers were done (printed their counts) tells where.
    if (code !== 0) console.log(`the child ended with code ${code}, signal ${signal}, after printing ${JSON.stringify(out)}`);
    expect({ code, signal, err }).toEqual({ code: 0, signal: null, err: '' }); // a crash names its signal
    expect(JSON.parse(out)).toEqual([6, 6, 6]);
  }, 60000);

  it('a stale device index is checked against the name when the stream opens', async () => {
    const script = `
      const { native } = require(${JSON.stringify(path.join(root, 'dist', 'native'))});
      const N = native();
      const system = N.listDevices().devices.find((d) => d.hostApi === ${JSON.stringify(JACK)} && d.name === 'system');
      const mixer = new N.Mixer({ sampleRate: 48000, periodFrames: 256, channels: 2, clock: 'virtual' });
      const strip = { gainDb: 0, pan: 0, muted: false, solo: false };
      const spec = (deviceIndex, deviceName) => ({ ...strip, kind: 'device', deviceIndex, deviceName, hostApi: ${JSON.stringify(JACK)},
        deviceChannels: [0], deviceRate: 48000, label: 'input' });
      const r = {};
      // An index another device (or none) has now, as after a rescan renumbered the list.
      r.staleIndex = typeof mixer.addInput(spec(system.index + 100, 'system'));
      try { mixer.addInput(spec(system.index, 'no such device')); } catch (e) { r.gone = e.code; }
      mixer.close().then(() => { console.log(JSON.stringify(r)); process.exit(0); });
    `;
    const { code, out, err } = await runNode(script);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ staleIndex: 'number', gone: 'ERR_DEVICE_NOT_FOUND' });
  });
});
