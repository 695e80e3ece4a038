/**
 * The Icecast client's pieces and the behaviours a real server cannot be made to show on demand
 * (a socket that stops reading, a server that never answers, a dropped connection mid-stream),
 * with small fake servers on 127.0.0.1. The real-server tests are in icecast-client.test.ts.
 */
import net from 'node:net';
import { inspect } from 'node:util';
import { Backoff } from '../lib/icecast/backoff';
import { Credentials } from '../lib/icecast/credentials';
import { sourceRequest, type StreamDescription } from '../lib/icecast/request';
import { NotHttpError, ResponseReader, verdict } from '../lib/icecast/response';
import { IcecastSource } from '../lib/icecast/source-client';
import type { IcecastSourceOptions } from '../lib/icecast/types';
import { parseStreamUrl } from '../lib/icecast/url';
import { count, record } from './helpers/stream-feed';
import { waitFor } from './helpers/wait';

jest.setTimeout(60000);

describe('the stream URL', () => {
  it('splits host, port, mount and login; options win; the display form has no credentials', () => {
    const a = parseStreamUrl('http://dj:p%40ss%3Aw@radio.example:8000/live%20one.mp3');
    expect(a.endpoint).toEqual({ host: 'radio.example', port: 8000, mount: '/live%20one.mp3', display: 'http://radio.example:8000/live%20one.mp3' });
    expect(a.credentials.authorization()).toBe(`Basic ${Buffer.from('dj:p@ss:w').toString('base64')}`);
    const b = parseStreamUrl('http://dj:old@[::1]/m.ogg', { password: 'new' });
    expect(b.endpoint).toMatchObject({ host: '::1', port: 80, display: 'http://[::1]:80/m.ogg' });
    expect(b.credentials.authorization()).toBe(`Basic ${Buffer.from('dj:new').toString('base64')}`);
    expect(parseStreamUrl('http://h:1/m', { password: 'x' }).credentials.user).toBe('source');
    expect(parseStreamUrl('http://u:x@h:1/m', { user: 'other' }).credentials.user).toBe('other');
  });

  it.each([
    ['https://source:Secret1@h:1/m', /https is not supported/],
    ['ftp://source:Secret1@h:1/m', /must start with http/],
    ['http://source:Secret1@h:1/', /no mount point/],
    ['http://source:Secret1@h:1/m?a=Secret1', /no query/],
    ['http://source:Secret1@h:99999/m', /not a valid URL/],
    ['not a url Secret1', /not a valid URL/],
    ['http://source:%E0%A4%A@h:1/m', /percent-encoding/],
    ['http://h:1/m', /no password/],
  ])('%s is refused with ERR_STREAM_URL, without echoing a secret', (url, message) => {
    let error: unknown;
    try {
      parseStreamUrl(url);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'ERR_STREAM_URL', message: expect.stringMatching(message) });
    expect(String(error)).not.toContain('Secret1');
  });

  it('credentials show only the user, and scrub their secret out of text', () => {
    const c = new Credentials('source', 'Hush:1');
    const token = c.authorization().slice(6);
    expect(JSON.stringify(c)).toBe('{"user":"source"}');
    expect(String(c)).not.toContain('Hush');
    expect(inspect(c, { showHidden: true, customInspect: false })).not.toContain('Hush');
    expect(c.scrub(`a Hush:1 b ${token} c Hush%3A1`)).toBe('a *** b *** c ***');
  });
});

describe('options', () => {
  const ok: IcecastSourceOptions = { url: 'http://h:1/m', format: 'mp3', password: 'x' };
  it('are checked with coded errors, and a wrong-typed password is not described', () => {
    expect(() => new IcecastSource({ ...ok, nope: 1 } as IcecastSourceOptions)).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_OPTION' }));
    expect(() => new IcecastSource({ ...ok, format: 'aac' as 'mp3' })).toThrow(RangeError);
    expect(() => new IcecastSource({ ...ok, name: 'a\r\nX-Evil: 1' })).toThrow(RangeError);
    expect(() => new IcecastSource({ ...ok, bitrateKbps: 0 })).toThrow(RangeError);
    expect(() => new IcecastSource({ ...ok, url: 42 as unknown as string })).toThrow(TypeError);
    let error: unknown;
    try {
      new IcecastSource({ ...ok, password: 987654321 as unknown as string });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).not.toContain('987654321');
  });

  it('write() takes bytes only, and counts what arrives while not connected', () => {
    const c = new IcecastSource(ok);
    expect(() => c.write('abc' as unknown as Buffer)).toThrow(TypeError);
    expect(c.write(Buffer.alloc(100))).toBe(false);
    expect(c.stats()).toMatchObject({ status: 'idle', discardedBytes: 100, bytesSent: 0, attempts: 0 });
  });
});

describe('the request and the answers', () => {
  const stream: StreamDescription = {
    format: 'mp3', bitrateKbps: 320, sampleRate: 44100, channels: 2, name: 'Nämé ☃', description: 'D', genre: 'G', public: true,
  };
  const endpoint = { host: 'h', port: 8000, mount: '/m', display: 'http://h:8000/m' };
  const creds = new Credentials('source', 'pw');

  it('PUT carries Expect, auth, type and the ice-* headers; MP3 text goes as Latin-1, Ogg as UTF-8', () => {
    const put = sourceRequest('PUT', endpoint, creds, stream);
    const text = put.toString('latin1');
    expect(text.split('\r\n')).toEqual(expect.arrayContaining([
      'PUT /m HTTP/1.1', 'Host: h:8000', `Authorization: ${creds.authorization()}`, 'Content-Type: audio/mpeg', 'Expect: 100-continue',
      'ice-public: 1', 'ice-name: Nämé ?', 'ice-description: D', 'ice-genre: G', 'ice-bitrate: 320',
      'ice-audio-info: bitrate=320;samplerate=44100;channels=2',
    ]));
    expect(text).toMatch(/\r\nUser-Agent: ringmix\/\d+\.\d+\.\d+\r\n/);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    const ogg = sourceRequest('SOURCE', endpoint, creds, { ...stream, format: 'opus', bitrateKbps: undefined });
    expect(ogg.toString('utf8')).toMatch(/^SOURCE \/m HTTP\/1\.0\r\n[^]*Content-Type: audio\/ogg\r\n[^]*ice-name: Nämé ☃\r\n/);
    expect(ogg.toString('utf8')).not.toMatch(/Expect|ice-bitrate|bitrate=/);
  });

  it('reads 100 Continue then 200 OK however the bytes are split, and stops reading after a final answer', () => {
    const bytes = Buffer.from('HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\nHTTP/1.0 200 OK\r\n\r\ntrailing junk');
    for (let split = 1; split < bytes.length; split += 7) {
      const r = new ResponseReader();
      const heads = [...r.feed(bytes.subarray(0, split)), ...r.feed(bytes.subarray(split))];
      expect(heads).toEqual([{ statusCode: 100, reason: 'Continue' }, { statusCode: 200, reason: 'OK' }]);
    }
    expect(() => new ResponseReader().feed(Buffer.from('ICY 200 OK\r\n\r\n'))).toThrow(NotHttpError);
    expect([100, 200, 401, 403, 405, 501, 400, 500].map((s) => verdict(s, true))).toEqual(
      ['continue', 'ok', 'auth', 'in-use', 'legacy', 'legacy', 'legacy', 'rejected']);
    expect(verdict(405, false)).toBe('rejected');
  });

  it('backs off 0, 0.5, 1, 2, 4, 8, 10, 10 s, and from the start again after a reset', () => {
    const b = new Backoff();
    expect(Array.from({ length: 9 }, () => b.next())).toEqual([0, 500, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
    b.reset();
    expect(b.next()).toBe(0);
  });
});

/** A fake server: `answer` is called with each request head and its socket. */
async function fakeServer(answer: (head: string, sock: net.Socket, index: number) => void) {
  const heads: string[] = [];
  const bodies: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let index = -1;
    sock.on('data', (d: Buffer) => {
      if (index >= 0) {
        bodies[index] = Buffer.concat([bodies[index]!, d]);
        return;
      }
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      index = heads.push(buf.subarray(0, end).toString('latin1')) - 1;
      bodies[index] = buf.subarray(end + 4);
      answer(heads[index]!, sock, index);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: (mount: string) => `http://127.0.0.1:${port}${mount}`,
    heads,
    bodies,
    dropAll: () => sockets.forEach((s) => s.destroy()),
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => server.close(r));
    },
  };
}

const ACCEPT = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\n';

describe('against fake servers', () => {
  const clients: IcecastSource[] = [];
  const make = (opts: Partial<IcecastSourceOptions> & { url: string }): IcecastSource => {
    const c = new IcecastSource({ format: 'mp3', password: 'pw', ...opts });
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
  });

  it('retries an unreachable server on the given delays, the last repeating', async () => {
    const free = await fakeServer(() => undefined);
    const url = free.url('/m');
    await free.close(); // nothing listens there now
    const c = make({ url, retryDelaysMs: [0, 50, 100] });
    const events = record(c);
    c.start();
    await waitFor(() => count(events, 'disconnected') >= 5, 'five failed attempts');
    const waits = events.filter((e) => e.event === 'disconnected').map((e) => e.payload as { reason: string; retryInMs: number });
    expect(waits.slice(0, 5).map((w) => w.retryInMs)).toEqual([0, 50, 100, 100, 100]);
    expect(waits.every((w) => w.reason === 'unreachable')).toBe(true);
    expect(c.status).toBe('reconnecting');
    await c.stop();
    const attempts = c.stats().attempts;
    await new Promise((r) => setTimeout(r, 300));
    expect(c.stats().attempts).toBe(attempts);
  });

  it('gives up an attempt the server never answers (timeout), and stop() ends a pending attempt', async () => {
    const silent = await fakeServer(() => undefined);
    try {
      const c = make({ url: silent.url('/m'), connectTimeoutMs: 300 });
      const events = record(c);
      c.start();
      await waitFor(() => count(events, 'disconnected') >= 1, 'the timeout');
      expect(events[0]!.payload).toMatchObject({ reason: 'timeout', wasConnected: false });
      await waitFor(() => silent.heads.length >= 2, 'the next attempt');
      await c.stop();
      expect(c.status).toBe('stopped');
    } finally {
      await silent.close();
    }
  });

  it('drops chunks (counted) rather than queueing past maxQueueMs when the server stops reading', async () => {
    const stalled = await fakeServer((_head, sock) => {
      sock.write(ACCEPT);
      sock.pause(); // reads nothing more: the kernel buffers fill, then the client's queue
    });
    try {
      const c = make({ url: stalled.url('/m'), bitrateKbps: 128, maxQueueMs: 2000 });
      const events = record(c);
      c.start();
      await waitFor(() => count(events, 'connected') === 1, 'connected');
      const chunk = Buffer.alloc(4096, 0x55);
      let total = 0;
      for (let i = 0; i < 64 * 256 && c.stats().droppedBytes === 0; i++) {
        c.write(chunk);
        total += chunk.length;
        if (i % 256 === 0) await new Promise((r) => setImmediate(r)); // lets the socket drain into the kernel
      }
      for (let i = 0; i < 100; i++, total += chunk.length) c.write(chunk);
      const s = c.stats();
      expect(s.droppedBytes).toBeGreaterThan(0);
      expect(s.bytesSent + s.droppedBytes).toBe(total);
      expect(s.connected).toBe(true);
    } finally {
      await stalled.close();
    }
  });

  it('Opus: every connection carries the bytes written after it, and titles go in band', async () => {
    const fake = await fakeServer((_head, sock) => void sock.write(ACCEPT));
    try {
      const c = make({ url: fake.url('/o.ogg'), format: 'opus' });
      const events = record(c);
      await expect(c.setMetadata({ title: 'T', artist: 'A' })).resolves.toBe('in-band');
      expect(events).toEqual([{ event: 'metadata', payload: { title: 'T', artist: 'A' } }]);
      c.start();
      await waitFor(() => count(events, 'connected') === 1, 'connected');
      c.write(Buffer.from('page1'));
      await waitFor(() => fake.bodies[0]?.toString() === 'page1', 'the first connection\'s bytes');
      fake.dropAll();
      await waitFor(() => count(events, 'connected') === 2, 'connected again');
      c.write(Buffer.from('page2'));
      await waitFor(() => fake.bodies[1]?.toString() === 'page2', 'the second connection\'s bytes');
      expect(fake.heads[0]).toContain('Content-Type: audio/ogg');
      expect(events.find((e) => e.event === 'disconnected')!.payload).toMatchObject({ reason: 'closed', wasConnected: true, retryInMs: 0 });
    } finally {
      await fake.close();
    }
  });

  it('a connection that lasted stableAfterMs starts the retry delays over', async () => {
    const fake = await fakeServer((_head, sock) => void sock.write(ACCEPT));
    try {
      const c = make({ url: fake.url('/m'), retryDelaysMs: [0, 100, 200], stableAfterMs: 2000 });
      const events = record(c);
      const waits = (): number[] => events.filter((e) => e.event === 'disconnected').map((e) => (e.payload as { retryInMs: number }).retryInMs);
      c.start();
      for (let n = 1; n <= 2; n++) {
        await waitFor(() => count(events, 'connected') === n, `connection ${n}`);
        fake.dropAll(); // at once: short-lived
        await waitFor(() => waits().length === n, `drop ${n}`);
      }
      await waitFor(() => count(events, 'connected') === 3, 'connection 3');
      await new Promise((r) => setTimeout(r, 2500)); // outlives stableAfterMs
      fake.dropAll();
      await waitFor(() => waits().length === 3, 'drop 3');
      expect(waits()).toEqual([0, 100, 0]);
    } finally {
      await fake.close();
    }
  });

  it('a refusal other than 401/403 is retried, with its status', async () => {
    const busy = await fakeServer((_head, sock) => void sock.end('HTTP/1.0 500 Internal Server Error\r\n\r\n'));
    try {
      const c = make({ url: busy.url('/m'), retryDelaysMs: [0, 20] });
      const events = record(c);
      c.start();
      await waitFor(() => count(events, 'disconnected') >= 2, 'two refusals');
      const message = `${busy.url('/m')}: the server refused the source: 500 Internal Server Error`;
      expect(events[0]!.payload).toMatchObject({ reason: 'rejected', statusCode: 500, message });
      expect(count(events, 'error')).toBe(0);
    } finally {
      await busy.close();
    }
  });
});
