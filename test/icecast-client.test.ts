/**
 * The Icecast source client against a real Icecast (Debian's icecast2, private to this file): a
 * listener hears the tone that was sent, titles reach the server, a killed server is rejoined, a
 * refused login stops at once, a busy mount is waited for, and no password ever shows. One case,
 * the legacy `SOURCE` login of Icecast < 2.4, uses a small fake server, since icecast2 2.4 takes `PUT`.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { RingmixError } from '../lib/errors';
import { IcecastSource } from '../lib/icecast/source-client';
import type { IcecastSourceOptions } from '../lib/icecast/types';
import { startIcecast, type IcecastServer } from './helpers/icecast';
import { count, feed, makeToneMp3, record, toneSeconds, type Recorded } from './helpers/stream-feed';
import { waitFor } from './helpers/wait';

jest.setTimeout(90000);

const SECRET = 'S3cret:p@ss/w0rd';
const SECRETS = [SECRET, encodeURIComponent(SECRET), Buffer.from(`source:${SECRET}`).toString('base64')];

let server: IcecastServer;
let dir: string;
let mp3: Buffer;
const clients: IcecastSource[] = [];
const feeders: { stop(): void }[] = [];
const seen: Recorded[] = [];

/** A client for `mount` on the test server, logged in with the options' password unless `urlLogin` (then the URL's). */
function client(mount: string, extra: Partial<IcecastSourceOptions> = {}, urlLogin = false): { c: IcecastSource; events: Recorded[] } {
  const login = urlLogin ? {} : { password: SECRET };
  const c = new IcecastSource({ url: server.url(mount), format: 'mp3', bitrateKbps: 128, ...login, ...extra });
  clients.push(c);
  const events = record(c);
  record(c, seen);
  return { c, events };
}

function start(c: IcecastSource): void {
  c.start();
  feeders.push(feed(c, mp3));
}

async function sourceAt(mount: string, check: (s: Awaited<ReturnType<IcecastServer['source']>>) => boolean, what: string): Promise<void> {
  let ok = false;
  const deadline = Date.now() + 20000;
  while (!ok) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${JSON.stringify(await server.source(mount))})`);
    ok = check(await server.source(mount));
    if (!ok) await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringmix-icecast-test-'));
  mp3 = makeToneMp3(dir);
  server = await startIcecast({ sourcePassword: SECRET, adminPassword: 'admin-pw' });
});

afterEach(async () => {
  feeders.splice(0).forEach((f) => f.stop());
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

afterAll(async () => {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('streams MP3 that a listener decodes as the 1 kHz tone, with the stream described to the server', async () => {
  // The URL's password is wrong on purpose: the option wins.
  const url = server.url('/tone.mp3').replace('http://', 'http://source:wrong@');
  const { c, events } = client('/tone.mp3', { url, name: 'Ringmix Tëst', description: 'A tone', genre: 'Test' });
  start(c);
  await waitFor(() => count(events, 'connected') === 1, 'connected', 20000);
  await sourceAt('/tone.mp3', (s) => s !== undefined, 'the source on the status page');
  expect((await server.status()).server_id).toMatch(/^Icecast 2\./);
  const s = (await server.source('/tone.mp3'))!;
  expect(s).toMatchObject({ server_name: 'Ringmix Tëst', server_description: 'A tone', genre: 'Test', server_type: 'audio/mpeg' });
  expect(s.audio_info).toBe('bitrate=128;samplerate=48000;channels=2');

  const seconds = toneSeconds(await server.listen('/tone.mp3', 5), dir, 'tone');
  expect(seconds.length).toBeGreaterThanOrEqual(2);
  for (const { tone, off } of seconds) {
    expect(tone).toBeGreaterThan(-21); // sent at -18 dBFS
    expect(tone).toBeLessThan(-15);
    expect(off).toBeLessThan(-50);
  }
  expect(c.stats()).toMatchObject({ status: 'connected', connected: true, protocol: 'PUT', attempts: 1, connects: 1, droppedBytes: 0 });
  expect(c.stats().bytesSent).toBeGreaterThan(16000);
  expect(count(events, 'disconnected') + count(events, 'error')).toBe(0);
});

it('sends titles: one set before connecting on connect, later ones at once (UTF-8 intact)', async () => {
  const { c, events } = client('/titles.mp3');
  await expect(c.setMetadata({ title: 'Tïtle', artist: 'Ärtist' })).resolves.toBe('pending');
  start(c);
  await waitFor(() => count(events, 'connected') === 1, 'connected', 20000);
  // Icecast applies a title with the next audio it reads, so the status page is polled.
  await sourceAt('/titles.mp3', (s) => s?.title === 'Ärtist - Tïtle', 'the first title');
  await expect(c.setMetadata({ title: 'Second' })).resolves.toBe('sent');
  await sourceAt('/titles.mp3', (s) => s?.title === 'Second', 'the second title');
  expect(c.stats()).toMatchObject({ metadataUpdates: 2, metadataFailures: 0 });
});

it('rejoins a server that was killed and restarted, by itself, title included', async () => {
  const url = server.url('/again.mp3').replace('http://', `http://source:${encodeURIComponent(SECRET)}@`);
  const { c, events } = client('/again.mp3', { url }, true);
  start(c);
  await waitFor(() => count(events, 'connected') === 1, 'connected', 20000);
  await c.setMetadata({ title: 'Before' });
  await sourceAt('/again.mp3', (s) => s?.title === 'Before', 'the title');

  await server.kill();
  await waitFor(() => count(events, 'disconnected') >= 1, 'disconnected', 20000);
  const lost = events.find((e) => e.event === 'disconnected')!;
  expect(lost.payload).toMatchObject({ wasConnected: true, retryInMs: 0 });
  expect(['closed', 'unreachable']).toContain((lost.payload as { reason: string }).reason);
  expect(['reconnecting', 'connecting']).toContain(c.status);

  await server.restart();
  await waitFor(() => count(events, 'connected') === 2, 'connected again', 30000);
  expect(events.filter((e) => e.event === 'connected')[1]!.payload).toMatchObject({ reconnects: 1, protocol: 'PUT' });
  await sourceAt('/again.mp3', (s) => s?.title === 'Before', 'the title sent again');
  const seconds = toneSeconds(await server.listen('/again.mp3', 4), dir, 'again');
  expect(seconds.length).toBeGreaterThanOrEqual(1);
  for (const { tone } of seconds) expect(tone).toBeGreaterThan(-21);
  expect(c.stats().reconnects).toBe(1);
  expect(count(events, 'error')).toBe(0);
});

it('stops at a refused login: one ERR_STREAM_AUTH error, no retry storm', async () => {
  const { c, events } = client('/denied.mp3', { password: 'not-the-password' });
  c.start();
  await waitFor(() => count(events, 'error') === 1, 'the error', 20000);
  const err = events.find((e) => e.event === 'error')!.payload as RingmixError;
  expect(err).toBeInstanceOf(RingmixError);
  expect(err.code).toBe('ERR_STREAM_AUTH');
  expect(err.message).toContain(server.url('/denied.mp3'));
  // A window to count in: a client that retried would have made several attempts by now.
  await new Promise((r) => setTimeout(r, 3000));
  expect(count(events, 'error')).toBe(1);
  expect(count(events, 'disconnected')).toBe(0);
  expect(c.stats()).toMatchObject({ status: 'failed', attempts: 1, connects: 0 });
  const logins = server.accessLog().split('\n').filter((l) => l.includes('PUT /denied.mp3'));
  expect(logins.length).toBeGreaterThanOrEqual(1);
  expect(logins.length).toBeLessThanOrEqual(2);
  expect(() => c.start()).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
  await expect(c.setMetadata({ title: 'x' })).rejects.toMatchObject({ code: 'ERR_CLOSED' });
});

it('waits for a busy mount (403), retrying with backoff, and takes it when the first source stops', async () => {
  const first = client('/busy.mp3');
  start(first.c);
  await waitFor(() => count(first.events, 'connected') === 1, 'the first source', 20000);
  const second = client('/busy.mp3');
  start(second.c);
  await waitFor(() => count(second.events, 'disconnected') >= 3, 'three refusals', 20000);
  const refusals = second.events.filter((e) => e.event === 'disconnected').map((e) => e.payload);
  for (const r of refusals) expect(r).toMatchObject({ reason: 'mount-in-use', statusCode: 403, wasConnected: false });
  expect(refusals.slice(0, 3).map((r) => (r as { retryInMs: number }).retryInMs)).toEqual([0, 500, 1000]);
  expect(count(second.events, 'error')).toBe(0);
  expect(second.c.status).toBe('reconnecting');

  await first.c.stop();
  expect(first.c.status).toBe('stopped');
  await waitFor(() => count(second.events, 'connected') === 1, 'the second source to take the mount', 30000);
  await sourceAt('/busy.mp3', (s) => s !== undefined, 'the mount in use again');
  // The first one stays stopped: no attempt after stop().
  const attempts = first.c.stats().attempts;
  await new Promise((r) => setTimeout(r, 1000));
  expect(first.c.stats().attempts).toBe(attempts);
  expect(first.c.write(mp3.subarray(0, 384))).toBe(false);
});

it('falls back to the legacy SOURCE login when a server answers PUT with 405', async () => {
  const requests: string[] = [];
  let audio = Buffer.alloc(0);
  const fake = net.createServer((sock) => {
    let head = '';
    sock.on('data', (d: Buffer) => {
      if (head.includes('\r\n\r\n')) {
        audio = Buffer.concat([audio, d]);
        return;
      }
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      requests.push(head);
      if (head.startsWith('PUT ')) sock.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n');
      else sock.write('HTTP/1.0 200 OK\r\n\r\n');
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  try {
    const port = (fake.address() as net.AddressInfo).port;
    const { c, events } = client('/old.mp3', { url: `http://127.0.0.1:${port}/old.mp3`, name: 'Old' });
    c.start();
    await waitFor(() => count(events, 'connected') === 1, 'connected over SOURCE', 20000);
    expect(events.find((e) => e.event === 'connected')!.payload).toMatchObject({ protocol: 'SOURCE' });
    expect(c.write(mp3.subarray(0, 768))).toBe(true);
    await waitFor(() => audio.length === 768, 'the audio at the fake server');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatch(/^PUT \/old\.mp3 HTTP\/1\.1\r\n/);
    expect(requests[0]).toContain('Expect: 100-continue');
    expect(requests[1]).toMatch(/^SOURCE \/old\.mp3 HTTP\/1\.0\r\n/);
    expect(requests[1]).not.toContain('Expect:');
    for (const h of [`Authorization: Basic ${SECRETS[2]}`, 'Content-Type: audio/mpeg', 'ice-name: Old', 'ice-public: 0']) {
      expect(requests[1]).toContain(h);
    }
    expect(c.stats()).toMatchObject({ protocol: 'SOURCE', attempts: 2, connects: 1 });
    expect(count(events, 'disconnected') + count(events, 'error')).toBe(0);
    await c.stop();
  } finally {
    await new Promise((r) => fake.close(r));
  }
});

it('never shows a credential: events, errors, stats, inspect, JSON, strings', async () => {
  expect(seen.length).toBeGreaterThan(10);
  const c = client('/shown.mp3', { url: server.url('/shown.mp3').replace('http://', `http://me:${encodeURIComponent(SECRET)}@`) }, true).c;
  const texts: string[] = [String(c), JSON.stringify(c), inspect(c), inspect(c, { customInspect: false, showHidden: true, depth: 8 }),
    JSON.stringify(c.stats()), c.url];
  for (const { payload } of seen) {
    texts.push(JSON.stringify(payload), inspect(payload, { depth: 8 }), String(payload));
    if (payload instanceof Error) texts.push(payload.stack ?? '', payload.message);
  }
  for (const bad of ['https://source:S3cret@h:1/m', 'http://source:S3cret@h:1/', 'http://source:S3cret@h:1/m?x=1', 'http://source:S3cret@h:99999/m']) {
    try {
      new IcecastSource({ url: bad, format: 'mp3' });
      throw new Error(`accepted ${bad}`);
    } catch (err) {
      expect(err).toMatchObject({ code: expect.stringMatching(/^ERR_STREAM_URL$/) });
      texts.push(String(err), (err as Error).stack ?? '', inspect(err));
    }
  }
  for (const text of texts) for (const secret of [...SECRETS, 'S3cret']) expect(text).not.toContain(secret);
});
