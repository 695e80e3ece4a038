/**
 * `mixer.stream()` end to end against a real Icecast (Debian's icecast2, private to this file):
 * the mix is encoded on the native thread, sent by the source client, and what a listener
 * downloads over HTTP is decoded by ffmpeg and compared with a tap of the same mix. MP3 and
 * Ogg/Opus; titles reach the server (MP3 through /admin/metadata, Opus in band as a chained
 * stream); a killed and restarted server is rejoined; a wrong password is one error, no storm;
 * no credential shows anywhere.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { Mixer, type Broadcast, type RingmixError } from '..';
import { channel, goertzelDb, toneDb } from './helpers/audio';
import { runNode } from './helpers/child';
import { decode, probeStreamTag } from './helpers/decode';
import { startIcecast, type IcecastServer } from './helpers/icecast';
import { readmeExample } from './helpers/readme';
import { waitFor } from './helpers/wait';

jest.setTimeout(120000);

const SECRET = 'Br0adcast:p@ss/w0rd';
const SECRETS = [SECRET, encodeURIComponent(SECRET), Buffer.from(`source:${SECRET}`).toString('base64')];
const rate = 48000;

let server: IcecastServer;
let dir: string;
let mixer: Mixer;
const streams: Broadcast[] = [];

/** A mixer on its internal clock: a 1 kHz tone at -12 dBFS on the left, a 440 Hz one at -20 on the right. */
function show(): Mixer {
  const m = new Mixer({ sampleRate: rate, periodFrames: 256, clock: 'virtual' });
  m.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -12 }, pan: -1 });
  m.addInput({ source: { generator: 'sine', frequency: 440, levelDb: -20 }, pan: 1 });
  m.start();
  return m;
}

/**
 * `measure` over quarter-second windows (whole cycles of 440 and 1000 Hz), the median: a glitch
 * of a busy machine (a skipped cycle is a jump in the tones' phase, which one long Goertzel window
 * reads as a lower level) moves one window, not the result.
 */
function steady(x: Float32Array, measure: (w: Float32Array) => number): number {
  const win = rate / 4;
  const values: number[] = [];
  for (let at = 0; at + win <= x.length; at += win) values.push(measure(x.subarray(at, at + win)));
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}
const level = (x: Float32Array, f: number): number => steady(x, (w) => toneDb(w, rate, f));
const leak = (x: Float32Array, f: number): number => steady(x, (w) => goertzelDb(w, rate, f));

/** The tone levels of the mix itself, as a tap hears them (the reference for what a listener gets). */
async function mixLevels(m: Mixer): Promise<{ left: number; right: number }> {
  const tap = m.tap({ capacityFrames: 2 * rate });
  await new Promise((r) => setTimeout(r, 1200));
  const data = tap.read(rate);
  tap.close();
  return { left: level(channel(data, 2, 0), 1000), right: level(channel(data, 2, 1), 440) };
}

function stream(mount: string, extra: Record<string, unknown> = {}): { b: Broadcast; events: { event: string; payload: unknown }[] } {
  const b = mixer.stream({ url: server.url(mount), password: SECRET, ...extra });
  streams.push(b);
  const events: { event: string; payload: unknown }[] = [];
  for (const event of ['connected', 'disconnected', 'error', 'dropout'] as const) {
    b.on(event, (payload: unknown) => events.push({ event, payload }));
  }
  return { b, events };
}

const count = (events: { event: string }[], name: string): number => events.filter((e) => e.event === name).length;

/** Decodes what a listener received; skips the first half second (joined mid-stream). */
function received(bytes: Buffer, name: string): Float32Array {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return decode(file, 2).subarray(rate);
}

async function title(mount: string, want: string): Promise<void> {
  const deadline = Date.now() + 30000;
  for (;;) {
    const s = await server.source(mount);
    if (s?.title === want) return;
    if (Date.now() > deadline) throw new Error(`the title never became ${want}: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringmix-broadcast-'));
  server = await startIcecast({ sourcePassword: SECRET, adminPassword: 'admin-pw' });
  mixer = show();
});

afterEach(async () => {
  await Promise.all(streams.splice(0).map((b) => b.stop()));
});

afterAll(async () => {
  await mixer?.close();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** `p`, or a rejection saying what did not finish in `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe.each([
  ['mp3', 320, 'show.mp3'],
  ['opus', 128, 'show.ogg'],
] as const)('a %s stream', (format, bitrateKbps, file) => {
  it('reaches a listener as the mix: both tones at their levels and pitches, described to the server', async () => {
    const mount = `/${file}`;
    const { b, events } = stream(mount, { format, bitrateKbps, name: 'ringmix test', genre: 'Test' });
    expect(b.bitrateKbps).toBe(bitrateKbps);
    await waitFor(() => count(events, 'connected') === 1, 'connected', 30000);
    const levels = await mixLevels(mixer);
    const audio = received(await server.listen(mount, 5), `listener-${file}`);
    expect(audio.length / 2).toBeGreaterThan(2 * rate);
    const left = channel(audio, 2, 0);
    const right = channel(audio, 2, 1);
    expect(Math.abs(level(left, 1000) - levels.left)).toBeLessThan(0.5);
    expect(Math.abs(level(right, 440) - levels.right)).toBeLessThan(0.5);
    // Each channel holds its own tone, and nothing between them (no smear, no wrong rate).
    expect(level(left, 1000) - leak(left, 440)).toBeGreaterThan(40);
    expect(level(left, 1000) - leak(left, 1100)).toBeGreaterThan(40);
    expect(level(right, 440) - leak(right, 1000)).toBeGreaterThan(40);
    const s = (await server.source(mount))!;
    expect(s).toMatchObject({ server_name: 'ringmix test', genre: 'Test' });
    expect(s.server_type).toBe(format === 'mp3' ? 'audio/mpeg' : 'audio/ogg');
    const st = b.stats();
    expect(st).toMatchObject({ status: 'connected', connected: true, reconnects: 0, dropouts: 0, lostFrames: 0 });
    expect(st.bytesSent).toBeGreaterThan(((bitrateKbps * 1000) / 8) * 3);
    expect(st.encoderLagMs).not.toBeNull();
    console.log(`${format} ${bitrateKbps} kbit/s: encoder lag ${st.encoderLagMs!.toFixed(1)} ms (max ${st.maxEncoderLagMs.toFixed(1)}), encoder CPU ${((100 * st.encodeCpuSeconds) / (st.framesEncoded / rate)).toFixed(2)}% of a core`);
    expect(count(events, 'error')).toBe(0);
  });

  it('sets the title: MP3 on the server, Opus in the stream a listener receives', async () => {
    const mount = `/titled-${file}`;
    const { b, events } = stream(mount, { format });
    await waitFor(() => count(events, 'connected') === 1, 'connected', 30000);
    // Bounded, so that a title that never goes out says so (rather than the test's timeout): in
    // one CI run this test hung until its timeout, and whether here or in the listener is unknown.
    await within(b.setMetadata({ title: 'First Song', artist: 'The Band' }), 30000, `setMetadata (stats ${JSON.stringify(b.stats())})`);
    if (format === 'mp3') {
      // Icecast shows "artist - title" for MP3's admin update.
      await title(mount, 'The Band - First Song');
      await b.setMetadata({ title: 'Second Sóng' });
      await title(mount, 'Second Sóng');
    }
    // A listener joining now gets the stream from its (Opus: the new chain's) headers on.
    const path0 = path.join(dir, `titled-${file}`);
    fs.writeFileSync(path0, await server.listen(mount, 3));
    const audio = decode(path0, 2).subarray(rate);
    expect(level(channel(audio, 2, 0), 1000)).toBeGreaterThan(-13);
    if (format === 'opus') {
      // Icecast 2.4 does not read OpusTags (its status page shows no Opus title; 2.5 does): the
      // title is checked where a listener's player finds it, in the stream's comments.
      expect(probeStreamTag(path0, 'title')).toBe('First Song');
      expect(probeStreamTag(path0, 'artist')).toBe('The Band');
    }
  });
});

it('comes back by itself after the server is killed and restarted', async () => {
  const { b, events } = stream('/again.mp3', { format: 'mp3' });
  await waitFor(() => count(events, 'connected') === 1, 'connected', 30000);
  await server.kill();
  await waitFor(() => count(events, 'disconnected') >= 1, 'disconnected', 30000);
  await server.restart();
  await waitFor(() => count(events, 'connected') === 2, 'connected again', 30000);
  expect(b.stats().reconnects).toBe(1);
  const audio = received(await server.listen('/again.mp3', 3), 'again.mp3');
  expect(Math.abs(level(channel(audio, 2, 0), 1000) - -12)).toBeLessThan(1);
});

it('a wrong password is one ERR_STREAM_AUTH error and no retry storm; the mix goes on', async () => {
  const b = mixer.stream({ url: server.url('/denied.mp3'), password: 'wrong' });
  streams.push(b);
  const errors: RingmixError[] = [];
  b.on('error', (e) => errors.push(e));
  await waitFor(() => errors.length === 1, 'the error', 30000);
  await new Promise((r) => setTimeout(r, 3000));
  expect(errors).toHaveLength(1);
  expect(errors[0]!.code).toBe('ERR_STREAM_AUTH');
  expect(b.status).toBe('failed');
  expect(b.stats().attempts).toBe(1);
  const levels = await mixLevels(mixer);
  expect(Math.abs(levels.left - -12)).toBeLessThan(0.5);
});

it('never shows a credential: url, status, stats, events, errors, inspect, JSON', async () => {
  const url = server.url('/secret.mp3').replace('http://', `http://source:${encodeURIComponent(SECRET)}@`);
  const b = mixer.stream({ url });
  streams.push(b);
  const seen: unknown[] = [];
  for (const event of ['connected', 'disconnected', 'error'] as const) b.on(event, (p: unknown) => seen.push(p));
  await waitFor(() => b.status === 'connected', 'connected', 30000);
  const bad = mixer.stream({ url: server.url('/secret2.mp3'), password: `${SECRET}x` });
  streams.push(bad);
  bad.on('error', (e) => seen.push(e));
  await waitFor(() => bad.status === 'failed', 'the refused login', 30000);
  let thrown: unknown;
  try {
    mixer.stream({ url: `https://source:${SECRET}@127.0.0.1:1/x.mp3` });
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeDefined();
  const texts = [
    b.url, String(b), inspect(b), JSON.stringify(b), JSON.stringify(b.stats()), b.status, inspect(bad), String(thrown),
    (thrown as Error).stack ?? '', inspect(thrown), inspect(mixer, { depth: 5 }),
    ...seen.map((p) => (p instanceof Error ? `${String(p)} ${p.stack ?? ''} ${inspect(p)}` : JSON.stringify(p))),
  ];
  for (const t of texts) for (const s of SECRETS) expect(t).not.toContain(s);
  expect(b.url).toBe(server.url('/secret.mp3'));
});

it('stop() ends the stream: the server sees the source leave; stopping twice is fine', async () => {
  const { b, events } = stream('/leave.mp3');
  await waitFor(() => count(events, 'connected') === 1, 'connected', 30000);
  await waitFor(() => b.stats().bytesSent > 0, 'bytes sent', 30000);
  await b.stop();
  await b.stop();
  expect(b.status).toBe('stopped');
  const deadline = Date.now() + 20000;
  while ((await server.source('/leave.mp3')) !== undefined) {
    if (Date.now() > deadline) throw new Error('the source never left');
    await new Promise((r) => setTimeout(r, 100));
  }
});

it('the README streaming example goes on air, sets its title and stops, printing no password', async () => {
  const url = server.url('/live.mp3').replace('http://', `http://source:${encodeURIComponent(SECRET)}@`);
  const run = runNode(readmeExample('Streaming to Icecast'), { ICECAST_URL: url }, { idleTimeoutMs: 60000 });
  await title('/live.mp3', 'ringmix - Sine in A');
  const { code, out, err } = await run;
  expect(err).toBe('');
  expect(code).toBe(0);
  expect(out).toContain(`on air at ${server.url('/live.mp3')} (reconnects: 0)`);
  expect(out).toMatch(/bytesSent: [1-9]\d+/);
  for (const s of SECRETS) expect(out).not.toContain(s);
});

it('the demo records and streams at once (--record, --stream), printing no password', async () => {
  const url = server.url('/demo.ogg').replace('http://', `http://source:${encodeURIComponent(SECRET)}@`);
  const file = path.join(dir, 'demo.flac');
  const demo = path.join(__dirname, '..', 'demo', 'demo.js');
  const code = `process.argv = [process.argv[0], ${JSON.stringify(demo)}, '--seconds', '4', '--record', ${JSON.stringify(file)}, '--stream', ${JSON.stringify(url)}];
require(${JSON.stringify(demo)});`;
  const { code: exit, out, err } = await runNode(code, {}, { idleTimeoutMs: 60000 });
  expect(exit).toBe(0);
  expect(err).toContain(`demo: streaming to ${server.url('/demo.ogg')} (opus)`);
  expect(out).toMatch(/recorded \d+ frames to .*demo\.flac \(0 dropouts\)/);
  expect(out).toMatch(/streamed [1-9]\d+ bytes to http:\/\/127\.0\.0\.1:\d+\/demo\.ogg/);
  for (const s of SECRETS) expect(`${out}${err}`).not.toContain(s);
  const frames = Number(/recorded (\d+) frames/.exec(out)![1]);
  expect(decode(file, 2).length / 2).toBe(frames);
});
