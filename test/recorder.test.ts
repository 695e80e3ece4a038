/**
 * Recording the mix to files, checked by decoding them with real decoders (ffmpeg, sox) and
 * comparing with a tap of the same mix: lossless on the simulated clock, split files with no gap
 * and no frame twice, crash safety (SIGKILL), and disk errors that leave the mix running.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Mixer, RecordingError } from '..';
import { channel, rmsDb, toneDb } from './helpers/audio';
import { decode, maxDiff, probeStreamTag, probeTag, soxInfo } from './helpers/decode';

const rate = 48000;
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringmix-rec-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A simulated mixer with a 1 kHz tone left and noise right (nothing a file could fake). */
function show(): Mixer {
  const mixer = new Mixer({ sampleRate: rate, periodFrames: 256, clock: 'simulated' });
  mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 }, pan: -1 });
  mixer.addInput({ source: { generator: 'noise', levelDb: -20 }, pan: 1 });
  return mixer;
}

/** Renders `seconds` in `chunk`-frame advances, reading the tap as it goes; returns the tap's frames. */
function render(mixer: Mixer, seconds: number, chunk = 4800): Float32Array {
  const tap = mixer.tap({ capacityFrames: 2 * rate });
  const parts: Float32Array[] = [];
  let left = Math.round(seconds * rate);
  while (left > 0) {
    const n = Math.min(chunk, left);
    mixer.advance(n);
    parts.push(tap.read(n));
    left -= n;
  }
  tap.close();
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

describe('recording on the simulated clock', () => {
  it('a 32-bit float WAV equals a tap of the same mix, sample for sample', async () => {
    const mixer = show();
    const file = path.join(dir, 'float.wav');
    const rec = mixer.record({ path: file, bitDepth: 32, metadata: { title: 'ringmix test', artist: 'ci' } });
    const tapped = render(mixer, 3);
    const result = await rec.stop();
    expect(result).toEqual({ frames: 3 * rate, dropouts: 0, lostFrames: 0, files: [file] });
    expect(soxInfo(file)).toEqual({ rate, channels: 2, bits: 32, samples: 3 * rate });
    expect(maxDiff(decode(file, 2), tapped)).toBe(0);
    expect(toneDb(channel(decode(file, 2), 2, 0), rate, 1000)).toBeCloseTo(-6, 1);
    expect(probeTag(file, 'title')).toBe('ringmix test');
    await mixer.close();
  });

  it('24-bit is within one step of the mix, 16-bit (dithered) within two', async () => {
    for (const bitDepth of [24, 16] as const) {
      const mixer = show();
      const file = path.join(dir, `pcm${bitDepth}.wav`);
      const rec = mixer.record({ path: file, bitDepth });
      const tapped = render(mixer, 2);
      await rec.stop();
      expect(soxInfo(file)).toEqual({ rate, channels: 2, bits: bitDepth, samples: 2 * rate });
      const step = 2 ** -(bitDepth - 1);
      expect(maxDiff(decode(file, 2), tapped)).toBeLessThanOrEqual((bitDepth === 24 ? 1 : 2) * step + 1e-9);
      await mixer.close();
    }
  });

  it('FLAC (24-bit) decodes to the mix within one step, with its tags', async () => {
    const mixer = show();
    const file = path.join(dir, 'show.flac');
    const rec = mixer.record({ path: file, format: 'flac', bitDepth: 24, metadata: { title: 'flac test' } });
    const tapped = render(mixer, 2);
    const result = await rec.stop();
    expect(result.frames).toBe(2 * rate);
    expect(soxInfo(file)).toEqual({ rate, channels: 2, bits: 24, samples: 2 * rate });
    expect(maxDiff(decode(file, 2), tapped)).toBeLessThanOrEqual(2 ** -23 + 1e-9);
    expect(probeTag(file, 'title')).toBe('flac test');
    await mixer.close();
  });

  it('MP3 (320 kbit/s) decodes gapless to the exact length, the tone at its level and pitch', async () => {
    const mixer = show();
    const file = path.join(dir, 'show.mp3');
    const rec = mixer.record({ path: file, format: 'mp3', bitrateKbps: 320, metadata: { title: 'mp3 test', artist: 'ci' } });
    const tapped = render(mixer, 3);
    const result = await rec.stop();
    expect(result.frames).toBe(3 * rate);
    const decoded = decode(file, 2);
    expect(decoded.length).toBe(tapped.length); // the Info frame's delay and padding trim it exactly
    const left = channel(decoded, 2, 0);
    expect(toneDb(left, rate, 1000)).toBeCloseTo(toneDb(channel(tapped, 2, 0), rate, 1000), 0);
    expect(toneDb(left, rate, 1000) - toneDb(left, rate, 1100)).toBeGreaterThan(40); // the pitch, not a smear
    const right = channel(decoded, 2, 1);
    // White noise loses its top sixth (20-24 kHz) to LAME's low-pass: -0.8 dB of its power.
    expect(Math.abs(rmsDb(right) - rmsDb(channel(tapped, 2, 1)))).toBeLessThan(1.5);
    expect(probeTag(file, 'title')).toBe('mp3 test');
    expect(probeTag(file, 'artist')).toBe('ci');
    await mixer.close();
  });

  it('Opus decodes to the exact length (48 kHz, and 44.1 kHz resampled), the tone at its level and pitch, with its tags', async () => {
    for (const sampleRate of [48000, 44100]) {
      const mixer = new Mixer({ sampleRate, periodFrames: 256, clock: 'simulated' });
      mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 }, pan: -1 });
      mixer.addInput({ source: { generator: 'noise', levelDb: -20 }, pan: 1 });
      const file = path.join(dir, `show-${sampleRate}.opus`);
      const rec = mixer.record({ path: file, format: 'opus', metadata: { title: 'opus test', artist: 'ci' } });
      const tap = mixer.tap({ capacityFrames: sampleRate });
      const tapped = new Float32Array(3 * sampleRate * 2);
      for (let at = 0; at < 3 * sampleRate; at += 4410) {
        const n = Math.min(4410, 3 * sampleRate - at);
        mixer.advance(n);
        tapped.set(tap.read(n), at * 2);
      }
      const result = await rec.stop();
      expect(result.frames).toBe(3 * sampleRate);
      // Opus decodes at 48 kHz: the pre-skip and the last packet's padding trimmed to the sample,
      // 3 s of the mix whatever its rate.
      const decoded = decode(file, 2);
      expect(decoded.length).toBe(3 * 48000 * 2);
      const left = channel(decoded, 2, 0);
      expect(Math.abs(toneDb(left, 48000, 1000) - toneDb(channel(tapped, 2, 0), sampleRate, 1000))).toBeLessThan(0.5);
      expect(toneDb(left, 48000, 1000) - toneDb(left, 48000, 1100)).toBeGreaterThan(40); // the pitch, not a smear
      // White noise loses what lies above Opus's 20 kHz band edge: -0.9 dB at 48 kHz, -0.5 dB at 44.1 kHz.
      expect(Math.abs(rmsDb(channel(decoded, 2, 1)) - rmsDb(channel(tapped, 2, 1)))).toBeLessThan(1.5);
      expect(probeStreamTag(file, 'title')).toBe('opus test');
      expect(probeStreamTag(file, 'artist')).toBe('ci');
      expect(tap.lostFrames).toBe(0);
      tap.close();
      await mixer.close();
    }
  });

  it('rendering as fast as the CPU goes loses nothing: advance() waits for the recorder', async () => {
    const mixer = show();
    const file = path.join(dir, 'fast.wav');
    const rec = mixer.record({ path: file, bitDepth: 32 });
    // 30 s in one call: fifteen times what the broadcast ring holds, with no tap reading.
    mixer.advance(30 * rate);
    const result = await rec.stop();
    expect(result.frames).toBe(30 * rate);
    expect(result.dropouts).toBe(0);
    expect(soxInfo(file).samples).toBe(30 * rate);
    await mixer.close();
  });

  it('splitSeconds writes consecutive files with no gap and no frame twice', async () => {
    const mixer = show();
    const file = path.join(dir, 'split.wav');
    const rec = mixer.record({ path: file, bitDepth: 32, splitSeconds: 2.5 });
    const files: string[] = [];
    rec.on('file', (e) => files.push(e.path));
    const tapped = render(mixer, 6);
    const result = await rec.stop();
    const names = ['split-001.wav', 'split-002.wav', 'split-003.wav'].map((n) => path.join(dir, n));
    expect(result.files).toEqual(names);
    expect(files).toEqual(names.slice(0, 2)); // completed while recording
    expect(names.map((n) => soxInfo(n).samples)).toEqual([2.5 * rate, 2.5 * rate, 1 * rate]);
    const joined = new Float32Array(tapped.length);
    let at = 0;
    for (const n of names) {
      const d = decode(n, 2);
      joined.set(d, at);
      at += d.length;
    }
    expect(at).toBe(tapped.length);
    expect(maxDiff(joined, tapped)).toBe(0);
    await mixer.close();
  });
});

describe('recording on a real-time clock', () => {
  it('a process killed with SIGKILL leaves a file that plays, missing at most the last second', async () => {
    const file = path.join(dir, 'killed.wav');
    const script = `
      const { Mixer } = require(${JSON.stringify(path.join(__dirname, '..'))});
      const mixer = new Mixer({ sampleRate: ${rate}, periodFrames: 256 });
      mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 } });
      mixer.start();
      const rec = mixer.record({ path: ${JSON.stringify(file)}, bitDepth: 16 });
      setTimeout(() => { process.stdout.write(String(rec.frames)); process.kill(process.pid, 'SIGKILL'); }, 3500);
    `;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
    expect(signal).toBe('SIGKILL');
    const recorded = Number(out);
    expect(recorded).toBeGreaterThan(2 * rate);
    const info = soxInfo(file); // the header says what the file holds: it plays
    expect(info).toMatchObject({ rate, channels: 2, bits: 16 });
    const audio = decode(file, 2);
    expect(audio.length / 2).toBe(info.samples);
    // Missing at most the last second (plus what the thread had not yet written).
    expect(info.samples).toBeGreaterThanOrEqual(recorded - rate - rate / 4);
    expect(toneDb(channel(audio, 2, 0), rate, 1000)).toBeCloseTo(-6, 0); // a stereo generator at centre: unity
  });

  it('a file that cannot be created throws RecordingError; the mixer is unharmed', async () => {
    const mixer = show();
    const bad = path.join(dir, 'no-such-dir', 'x.wav');
    let caught: unknown;
    try {
      mixer.record({ path: bad });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RecordingError);
    expect(caught).toMatchObject({ code: 'ERR_RECORDING', errno: 'ENOENT', path: bad });
    mixer.advance(rate);
    expect(mixer.metrics().frames).toBe(rate);
    await mixer.close();
  });

  it('a full disk is an error event; the mix and a tap go on, and what was written plays', async () => {
    const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'ringmix-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount]);
    } catch {
      fs.rmSync(mount, { recursive: true, force: true });
      throw new Error('this test needs root to mount a small tmpfs (CI runs as root)');
    }
    const mixer = new Mixer({ sampleRate: rate, periodFrames: 256 });
    try {
      mixer.addInput({ source: { generator: 'sine', frequency: 1000, levelDb: -6 } });
      const tap = mixer.tap();
      mixer.start();
      const file = path.join(mount, 'full.wav');
      const rec = mixer.record({ path: file, bitDepth: 32 }); // 384 kB a second: full within a second
      const error = await new Promise<RecordingError>((resolve) => rec.on('error', (e) => resolve(e as RecordingError)));
      expect(error).toBeInstanceOf(RecordingError);
      expect(error).toMatchObject({ code: 'ERR_RECORDING', errno: 'ENOSPC', path: file });
      expect(rec.status).toBe('failed');
      const before = mixer.metrics().frames;
      tap.read();
      await new Promise((r) => setTimeout(r, 300));
      expect(mixer.metrics().frames).toBeGreaterThan(before); // the mix goes on
      expect(toneDb(channel(tap.read(), 2, 0), rate, 1000)).toBeCloseTo(-6, 0);
      const result = await rec.stop();
      expect(result.frames).toBeGreaterThan(0);
      const info = soxInfo(file);
      expect(info.samples).toBeGreaterThan(0);
      expect(decode(file, 2).length / 2).toBe(info.samples);
    } finally {
      await mixer.close();
      execFileSync('umount', [mount]);
      fs.rmSync(mount, { recursive: true, force: true });
    }
  });
});
