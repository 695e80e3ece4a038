/**
 * Every program in examples/ runs as written, and what it produced is checked by analysing the
 * audio: decoded files (ffmpeg) and a listener of the Icecast stream (the device example runs in
 * devices-examples.test.ts). Levels are medians over quarter-second windows, so a glitch of a busy
 * machine moves one window, not the result; nothing is timed against the wall clock.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { channel, goertzelDb, medianOverWindows, toneDb } from './helpers/audio';
import { decode, soxInfo } from './helpers/decode';
import { directoryPerTest, runExample, startExample } from './helpers/examples';
import { startIcecast } from './helpers/icecast';
import { waitFor } from './helpers/wait';

const rate = 48000;
const workDir = directoryPerTest();

const level = (x: Float32Array, f: number): number => medianOverWindows(x, rate / 4, (w) => toneDb(w, rate, f));
const leak = (x: Float32Array, f: number): number => medianOverWindows(x, rate / 4, (w) => goertzelDb(w, rate, f));

/** Starts of the clicks in `x`: samples above `threshold` more than 10 ms after the previous one. */
function clicks(x: Float32Array, threshold: number): number[] {
  const at: number[] = [];
  x.forEach((v, i) => {
    if (Math.abs(v) > threshold && (at.length === 0 || i - at[at.length - 1]! > rate / 100)) at.push(i);
  });
  return at;
}

describe('generators-to-file.js', () => {
  it.each(['wav', 'flac', 'mp3', 'opus'])('renders three generators to a .%s file of the length asked', async (format) => {
    const r = await runExample('generators-to-file.js', ['--out', `mix.${format}`, '--seconds', '3'], workDir());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`recorded ${3 * rate} frames (3.00 s) to mix.${format}`);
    const audio = decode(path.join(workDir(), `mix.${format}`), 2);
    expect(audio.length / 2).toBe(3 * rate); // every format decodes to the exact length (gapless)
    const left = channel(audio, 2, 0);
    const right = channel(audio, 2, 1);
    // The 440 Hz tone hard left at -12 dBFS, the 1 kHz one hard right at -18; lossless formats to
    // a tenth of a dB, the lossy ones within half a dB.
    const margin = format === 'wav' || format === 'flac' ? 0.1 : 0.5;
    expect(Math.abs(level(left, 440) + 12)).toBeLessThan(margin);
    expect(Math.abs(level(right, 1000) + 18)).toBeLessThan(margin);
    expect(leak(right, 440)).toBeLessThan(-60);
    expect(leak(left, 1000)).toBeLessThan(-60);
    if (format === 'wav' || format === 'flac') {
      // The clicks (-6 dBFS, centre) every 250 ms: the only samples above 0.4 in either channel
      // (the tones peak at 0.25); 12 in 3 s.
      expect(clicks(left, 0.4)).toHaveLength(12);
      expect(clicks(right, 0.4)).toHaveLength(12);
      expect(soxInfo(path.join(workDir(), `mix.${format}`))).toMatchObject({ rate, channels: 2, samples: 3 * rate });
    }
  }, 60000);

  it('refuses an extension it has no format for', async () => {
    const r = await runExample('generators-to-file.js', ['--out', 'mix.ogg'], workDir());
    expect(r.code).toBe(2);
    expect(r.err).toContain('--out must end in .wav, .flac, .mp3 or .opus');
  });
});

describe('ffmpeg-push.js', () => {
  it('plays a file decoded by ffmpeg into the mix at its level, all of it, and records it', async () => {
    // A known file at another rate than the mix's (ffmpeg resamples it): 3 s of 1 kHz at -12 dBFS.
    const tone = path.join(workDir(), 'tone.flac');
    execFileSync('sox', ['-n', '-r', '44100', '-c', '2', tone, 'synth', '3', 'sine', '1000', 'gain', '-12']);
    const r = await runExample('ffmpeg-push.js', [tone, '--out', 'pushed.wav'], workDir());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // The input's meters, as printed, saw the tone's peak.
    const peaks = [...r.out.matchAll(/peak (\S+)\/(\S+) dBFS/g)].map((m) => Number(m[1]));
    expect(peaks.some((p) => Math.abs(p + 12) < 0.5)).toBe(true);
    expect(r.out).toMatch(/recorded \d+ frames \(\d+\.\d\d s\) to pushed\.wav/);

    // The recording: the tone at -12 dBFS on both channels for 3 s in all (100 ms windows, whole
    // cycles of 1 kHz; a window the tone starts or ends in may go either way). Underruns would only
    // insert silence, so the tone's own length is what reached the mix.
    const audio = decode(path.join(workDir(), 'pushed.wav'), 2);
    const win = rate / 10;
    for (const c of [0, 1]) {
      const x = channel(audio, 2, c);
      const levels: number[] = [];
      for (let at = 0; at + win <= x.length; at += win) levels.push(toneDb(x.subarray(at, at + win), rate, 1000));
      const toned = levels.filter((l) => l > -30).sort((a, b) => a - b);
      expect(toned.length).toBeGreaterThanOrEqual(29);
      expect(toned.length).toBeLessThanOrEqual(32); // a gap (underrun) would split a window in two
      expect(Math.abs(toned[Math.floor(toned.length / 2)]! + 12)).toBeLessThan(0.1);
    }
  }, 60000);

  it('says how to use it without a file', async () => {
    const r = await runExample('ffmpeg-push.js', [], workDir());
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: node ffmpeg-push.js FILE');
  });
});

describe('stream-icecast.js', () => {
  const password = 'example-secret';
  it('streams to a real Icecast server: a listener decodes the tone; the password is never printed', async () => {
    const server = await startIcecast({ sourcePassword: password, adminPassword: 'admin-pw' });
    try {
      const mount = '/example.mp3';
      const url = `http://source:${password}@127.0.0.1:${server.port}${mount}`;
      // The URL from the environment, as the example's usage says it can be given.
      const run = startExample('stream-icecast.js', ['--seconds', '12'], workDir(), { ICECAST_URL: url });
      await waitFor(() => run.out().includes('on air at'), 'the example to go on air', 30000);
      const bytes = await server.listen(mount, 4);
      fs.writeFileSync(path.join(workDir(), 'heard.mp3'), bytes);
      const heard = decode(path.join(workDir(), 'heard.mp3'), 2).subarray(rate / 2); // joined mid-stream
      expect(heard.length / 2).toBeGreaterThan(2 * rate);
      for (const c of [0, 1]) expect(Math.abs(level(channel(heard, 2, c), 440) + 12)).toBeLessThan(0.5);

      const r = await run.done;
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`on air at ${server.url(mount)} (mp3)`);
      const sent = /sent (\d+) bytes in 12 s, reconnects \d+, dropouts \d+/.exec(r.out);
      expect(sent).not.toBeNull();
      expect(Number(sent![1])).toBeGreaterThan(8 * 24000); // 192 kbit/s is 24 kB/s: 12 s of it, and then some margin
      expect(r.out + r.err).not.toContain(password);
    } finally {
      await server.stop();
    }
  }, 120000);
});
