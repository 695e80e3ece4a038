/// <reference lib="dom" />
/**
 * The browser console example end to end: examples/console/server.js run as a user runs it, its
 * page driven in a real headless Chromium (Debian's, through playwright-core). What the page does
 * is judged by what reaches the audio: the engine's own metrics (GET /metrics.json), a recording
 * decoded by ffmpeg, and a stream a real Icecast relays. Every wait is on a condition with a hang
 * guard; nothing is timed.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { channel, goertzelDb, toneDb } from './helpers/audio';
import { sendBadMessages } from './helpers/console-bad-messages';
import { control, dbOf, launch, openConsole as open, setMuted, shows, strip, type InputState } from './helpers/console-page';
import { startConsole, until, type ConsoleServer } from './helpers/console-server';
import { decode } from './helpers/decode';
import { startIcecast, type IcecastServer } from './helpers/icecast';

jest.setTimeout(180000);

const rate = 48000;
const ARTIFACTS = path.join(__dirname, '..', 'test-artifacts');

let browser: Browser;
let srv: ConsoleServer;
let dir: string;
let pageA: Page;
let ids: { tone: number; k1: number; noise: number };
/** Script errors on any page: each test ends with none. */
const pageErrors: string[] = [];

/** The console in a new page of the shared browser. */
const openConsole = (server: ConsoleServer, viewport?: { width: number; height: number }): Promise<Page> =>
  open(browser, server, pageErrors, viewport);

async function state(): Promise<{ inputs: InputState[]; record: any; live: any }> {
  return srv.json('/state.json');
}
async function input(id: number): Promise<InputState> {
  return (await state()).inputs.find((i) => i.id === id)!;
}
async function metrics(): Promise<any> {
  return srv.json('/metrics.json');
}
/** The master's peak per channel, dBFS (-Infinity for silence). */
async function masterPeak(): Promise<number[]> {
  return (await metrics()).master.peakDb.map(dbOf);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringmix-console-'));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  srv = await startConsole(['--record-dir', dir, '--metrics-hz', '30']);
  browser = await launch();
  const s = await state();
  const byName = (n: string) => s.inputs.find((i) => i.name === n)!.id;
  ids = { tone: byName('sine 440 Hz'), k1: byName('sine 1 kHz'), noise: byName('noise') };
  pageA = await openConsole(srv);
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await srv?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('serves on 127.0.0.1 and shows a strip per input, with meters that keep moving', async () => {
  expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  expect(await pageA.locator('.strip[data-id]').count()).toBe(3);
  expect(await strip(pageA, ids.tone).locator('.name span').textContent()).toBe('sine 440 Hz');
  // Meter frames arrive and are drawn: the frame counter the page shows advances.
  const n0 = Number(await pageA.locator('#engine').getAttribute('data-n'));
  await pageA.waitForFunction((n) => Number(document.getElementById('engine')!.dataset.n) > n + 10, n0, { timeout: 30000 });
  // The loudness readout is filled from the engine's meter (the three generators play).
  await pageA.waitForFunction(() => /^-\d+\.\d$/.test(document.getElementById('l-m')!.textContent ?? ''), undefined, { timeout: 30000 });
  // No stream configured: the go-live button cannot be pressed.
  expect(await pageA.locator('#live').isDisabled()).toBe(true);
});

it('moving a fader changes the master level', async () => {
  await until(async () => (await masterPeak()).every(Number.isFinite), 'the master to carry the generators');
  const before = await masterPeak();
  // The tone's strip meter is post-fader: -18 dBFS at 0 dB.
  expect(dbOf((await metrics()).inputs.find((i: any) => i.id === ids.tone).peakDb[0])).toBeCloseTo(-18, 0);

  await control(pageA, ids.tone, 'gainDb').fill('12');
  await until(async () => (await input(ids.tone)).gainDb === 12, 'the server to apply the fader');
  expect(await strip(pageA, ids.tone).locator('output[data-for="gainDb"]').textContent()).toBe('+12.0 dB');
  await until(async () => {
    const tonePeak = dbOf((await metrics()).inputs.find((i: any) => i.id === ids.tone).peakDb[0]);
    return Math.abs(tonePeak - -6) < 0.5; // -18 dBFS + 12 dB
  }, "the tone's meter at -6 dBFS");
  // The tone dominates the mix: 12 dB more of it lifts the master peak by well over 6 dB.
  await until(async () => (await masterPeak()).every((p, ch) => p > before[ch]! + 6), 'the master peak to rise');

  await control(pageA, ids.tone, 'gainDb').fill('0');
  await until(async () => (await masterPeak()).every((p, ch) => Math.abs(p - before[ch]!) < 2), 'the master back where it was');
});

it('muting every strip silences the master, and unmuting brings it back', async () => {
  for (const id of [ids.tone, ids.k1, ids.noise]) await setMuted(pageA, id, true);
  await until(async () => (await masterPeak()).every((p) => p < -100), 'silence on the master');
  for (const id of [ids.tone, ids.k1, ids.noise]) await setMuted(pageA, id, false);
  await until(async () => (await masterPeak()).every((p) => p > -30), 'the master to come back');
});

it('two pages stay in sync, and the strip DSP controls reach the audio', async () => {
  const pageB = await openConsole(srv);
  try {
    // A fader-like move on page A shows on page B's control.
    await control(pageA, ids.k1, 'pan').fill('0.25');
    await shows(pageB, `.strip[data-id="${ids.k1}"] [data-param="pan"]`, 'value', '0.25');
    expect((await input(ids.k1)).pan).toBe(0.25);

    // A button on page B shows on page A, and back.
    await control(pageB, ids.noise, 'solo').click();
    await shows(pageA, `.strip[data-id="${ids.noise}"] [data-param="solo"]`, 'aria-pressed', 'true');
    await control(pageA, ids.noise, 'solo').click();
    await shows(pageB, `.strip[data-id="${ids.noise}"] [data-param="solo"]`, 'aria-pressed', 'false');

    // An EQ band moved on page B turns the EQ on (the server merges it into the strip) everywhere.
    await control(pageB, ids.noise, 'eq.high').fill('6');
    await shows(pageA, `.strip[data-id="${ids.noise}"] [data-param="eq.high"]`, 'value', '6');
    await shows(pageA, `.strip[data-id="${ids.noise}"] [data-param="eq.enabled"]`, 'aria-pressed', 'true');
    expect((await input(ids.noise)).eq).toMatchObject({ enabled: true, high: 6, low: 0, mid: 0 });

    // The compressor on the tone (peak -18 dBFS): a threshold of -40 dB at 4:1 takes over 10 dB
    // off, as the engine's gain-reduction meter says; switched off from the other page, nothing.
    await control(pageA, ids.tone, 'compressor.thresholdDb').fill('-40');
    await shows(pageB, `.strip[data-id="${ids.tone}"] [data-param="compressor.enabled"]`, 'aria-pressed', 'true');
    const gr = async () => Math.abs((await metrics()).inputs.find((i: any) => i.id === ids.tone).gainReductionDb);
    await until(async () => (await gr()) > 10, 'the compressor to reduce the tone');
    await control(pageB, ids.tone, 'compressor.enabled').click();
    await shows(pageA, `.strip[data-id="${ids.tone}"] [data-param="compressor.enabled"]`, 'aria-pressed', 'false');
    await until(async () => (await gr()) < 0.1, 'the compressor to let go');
  } finally {
    await pageB.close();
  }
});

it('record, stop: the file decodes to the mix, its length and level', async () => {
  // The tone alone: a generator is a stereo source, so its centred strip gives -18 dBFS per side
  // (balance pan: unity at centre).
  await setMuted(pageA, ids.k1, true);
  await setMuted(pageA, ids.noise, true);
  await until(async () => (await masterPeak()).every((p) => Math.abs(p - -18) < 0.5), 'the tone alone on the master');

  await pageA.locator('#record').click();
  await shows(pageA, '#record-status', 'data-status', 'recording');
  const start = (await metrics()).frames;
  await until(async () => (await metrics()).frames >= start + 2 * rate, 'two seconds of mix');
  await pageA.locator('#record').click();
  await shows(pageA, '#record-status', 'data-status', 'stopped');

  const file = (await pageA.locator('#record-status').getAttribute('data-path'))!;
  const rec = (await state()).record;
  expect(file).toBe(rec.path);
  expect(path.dirname(file)).toBe(dir);
  expect(rec.frames).toBeGreaterThanOrEqual(2 * rate);
  const pcm = decode(file, 2);
  expect(pcm.length / 2).toBe(rec.frames); // WAV: every frame recorded, no more
  for (const ch of [0, 1]) {
    const mid = channel(pcm, 2, ch).subarray(rate / 2, rate / 2 + rate); // one second (440 whole cycles)
    expect(toneDb(mid, rate, 440)).toBeCloseTo(-18, 1);
    expect(goertzelDb(mid, rate, 1000)).toBeLessThan(-80); // the muted 1 kHz strip is not in it
  }
  for (const id of [ids.k1, ids.noise]) await setMuted(pageA, id, false);

  // The desk as a user sees it after a take (docs/console.png in the README is one of these).
  await until(async () => (await masterPeak()).every((p) => p > -30), 'the generators back on the master');
  const n0 = Number(await pageA.locator('#engine').getAttribute('data-n'));
  await pageA.waitForFunction((n) => Number(document.getElementById('engine')!.dataset.n) > n + 10, n0, { timeout: 30000 });
  await pageA.screenshot({ path: path.join(ARTIFACTS, 'console.png') });
});

it('bad messages get error replies; a flood is refused; the server and the mix go on', async () => {
  const page = await openConsole(srv);
  try {
    const replies = await page.evaluate(sendBadMessages, ids.tone);

    expect(replies.bad).toEqual(
      expect.arrayContaining([
        ['ERR_BAD_JSON', null],
        ['ERR_BAD_MESSAGE', null],
        ['ERR_UNKNOWN_TYPE', 0],
        ['ERR_UNKNOWN_INPUT', 1],
        ['ERR_OUT_OF_RANGE', 2],
        ['ERR_BAD_MESSAGE', 3],
        ['ERR_UNKNOWN_PARAM', 4],
        ['ERR_BAD_MESSAGE', 5],
        ['ERR_OUT_OF_RANGE', 6],
        ['ERR_OUT_OF_RANGE', 7],
        ['ERR_UNKNOWN_DEVICE', 8],
        ['ERR_UNKNOWN_INPUT', 9],
        ['ERR_STATE', 10],
        ['ERR_NOT_CONFIGURED', 11],
      ]),
    );
    // The array, the binary frame, pan 'left' and input -1.
    expect(replies.bad.filter(([c]) => c === 'ERR_BAD_MESSAGE')).toHaveLength(4);
    expect(replies.limited).toBe(true);
    expect(replies.badJson).toBeGreaterThan(0); // the garbage within the allowance was answered too
    expect(replies.recovered).toBe(true);
    expect(replies.bigClose).toBe(1009);

    // The server is up, nothing was changed by the rubbish, and the mix and its meters go on.
    expect(srv.proc.exitCode).toBeNull();
    expect(srv.output()).not.toContain('unexpected error');
    const s = await state();
    expect(s.inputs.map((i) => i.id).sort()).toEqual([ids.tone, ids.k1, ids.noise].sort());
    expect((await input(ids.tone)).gainDb).toBe(0);
    const frames = (await metrics()).frames;
    await until(async () => (await metrics()).frames > frames + rate, 'another second of mix');
    await until(async () => (await masterPeak()).every((p) => p > -30), 'the generators on the master');
    const n0 = Number(await pageA.locator('#engine').getAttribute('data-n'));
    await pageA.waitForFunction((n) => Number(document.getElementById('engine')!.dataset.n) > n + 10, n0, { timeout: 30000 });
  } finally {
    await page.close();
  }
});

it('an xrun shows in the log as it happens', async () => {
  // Freezing the whole server process for a moment makes its mix clock miss its deadlines for
  // sure; once it runs again the engine reports the lateness, and the page must show it.
  const pid = srv.proc.pid!;
  const before = (await metrics()).xruns;
  process.kill(pid, 'SIGSTOP');
  await new Promise((r) => setTimeout(r, 300));
  process.kill(pid, 'SIGCONT');
  await pageA.waitForSelector('#log li.xrun', { timeout: 30000 });
  expect(await pageA.locator('#log li.xrun').first().textContent()).toMatch(/xrun: (overload: \d+ cycles skipped|a cycle finished [\d.]+ ms late) at frame \d+/);
  expect((await metrics()).xruns).toBeGreaterThan(before);
  await pageA.waitForFunction(() => /xruns [1-9]/.test(document.getElementById('xruns')!.textContent ?? ''), undefined, { timeout: 30000 });
});

it('refuses WebSockets from another origin, and requests for another host name (DNS rebinding)', async () => {
  const upgrade = (origin?: string, host?: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = http.request(srv.url, {
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
          ...(origin && { Origin: origin }),
          ...(host && { Host: host }),
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('upgrade', (_res, socket) => {
        socket.destroy();
        resolve(101);
      });
      req.on('error', reject);
      req.end();
    });
  expect(await upgrade('http://evil.example')).toBe(401);
  expect(await upgrade(new URL(srv.url).origin)).toBe(101);
  expect(await upgrade()).toBe(101); // not a browser: no Origin
  const port = new URL(srv.url).port;
  expect(await upgrade(`http://rebound.example:${port}`, `rebound.example:${port}`)).toBe(401);
  const get = (host: string): Promise<number> =>
    new Promise((resolve, reject) => {
      http.get(new URL('/state.json', srv.url), { headers: { Host: host } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', reject);
    });
  expect(await get(`rebound.example:${port}`)).toBe(403);
  expect(await get(`localhost:${port}`)).toBe(200);
});

it('fits a phone-sized screen: the strips scroll sideways, the page does not', async () => {
  const phone = await openConsole(srv, { width: 390, height: 844 });
  try {
    await phone.waitForFunction(() => Number(document.getElementById('engine')!.dataset.n) > 5, undefined, { timeout: 30000 });
    const layout = await phone.evaluate(() => {
      const strips = document.getElementById('strips')!;
      const right = (id: string) => document.getElementById(id)!.getBoundingClientRect().right;
      return {
        pageWidth: document.documentElement.scrollWidth,
        stripsScroll: strips.scrollWidth > strips.clientWidth,
        masterRight: right('master'),
        recordRight: right('record'),
      };
    });
    expect(layout.pageWidth).toBeLessThanOrEqual(390);
    expect(layout.stripsScroll).toBe(true);
    expect(layout.masterRight).toBeLessThanOrEqual(390);
    expect(layout.recordRight).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: path.join(ARTIFACTS, 'console-phone.png'), fullPage: true });
  } finally {
    await phone.close();
  }
});

describe('go live', () => {
  const SECRET = 'C0nsole:p@ss/w0rd';
  let ice: IcecastServer;
  let live: ConsoleServer;

  beforeAll(async () => {
    ice = await startIcecast({ sourcePassword: SECRET, adminPassword: 'admin-pw' });
    const url = new URL(ice.url('/console.mp3'));
    url.username = 'source';
    url.password = SECRET;
    // From the environment, as a user keeps it out of `ps` and shell history.
    live = await startConsole(['--record-dir', dir], { RINGMIX_ICECAST_URL: url.href });
  });

  afterAll(async () => {
    await live?.stop();
    await ice?.stop();
  });

  it('streams the mix to Icecast, and the password never reaches a browser or the output', async () => {
    const page = await browser.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const frames: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    try {
      await page.goto(live.url);
      await page.waitForSelector('#live:not([disabled])', { timeout: 30000 });
      await page.locator('#live').click();
      await shows(page, '#live-status', 'data-status', 'connected');
      await until(async () => (await ice.source('/console.mp3')) !== undefined, 'the source on the mount');

      // What a listener gets: the console's mix (the 440 Hz tone leads it at -18 dBFS per side).
      const mp3 = path.join(dir, 'listened.mp3');
      fs.writeFileSync(mp3, await ice.listen('/console.mp3', 3));
      const pcm = decode(mp3, 2);
      expect(pcm.length / 2).toBeGreaterThan(rate);
      const last = channel(pcm, 2, 0).subarray(pcm.length / 2 - rate);
      expect(Math.abs(toneDb(last, rate, 440) - -18)).toBeLessThan(1); // MP3 at 192 kbit/s

      await page.locator('#live').click();
      await shows(page, '#live-status', 'data-status', 'off');
      await until(async () => (await ice.source('/console.mp3')) === undefined, 'the mount to be free');

      const seen = [frames.join('\n'), await page.content(), live.output()].join('\n');
      for (const secret of [SECRET, encodeURIComponent(SECRET), Buffer.from(`source:${SECRET}`).toString('base64')]) {
        expect(seen).not.toContain(secret);
      }
      expect(live.output()).toContain('go-live is configured');
    } finally {
      await page.close();
    }
  });
});
