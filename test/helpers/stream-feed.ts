/**
 * Feeding a source client as the encoder thread will (whole MP3 frames, paced by the audio clock)
 * and judging what a listener received by decoding it with ffmpeg and measuring the tone.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { goertzelDb, toneDb } from './audio';
import type { IcecastSource } from '../../lib/icecast/source-client';
import type { IcecastSourceEvents } from '../../lib/icecast/types';

/** 128 kbit/s at 48 kHz: every MP3 frame (1152 samples, 24 ms) is 384 bytes, none padded. */
export const MP3_BYTES_PER_SECOND = 16000;
export const MP3_FRAME_BYTES = 384;

/**
 * A raw MP3 stream of a 1 kHz sine at -18 dBFS (lavfi's default amplitude, 1/8): frames only, no
 * ID3 tag or Xing header, as an encoder hands them to the client.
 */
export function makeToneMp3(dir: string, seconds = 8): Buffer {
  const file = path.join(dir, 'tone.mp3');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=48000', '-t', String(seconds),
    '-c:a', 'libmp3lame', '-b:a', '128k', '-write_xing', '0', '-id3v2_version', '0', '-f', 'mp3', file]);
  const mp3 = fs.readFileSync(file);
  if (mp3.length % MP3_FRAME_BYTES !== 0 || mp3[0] !== 0xff) throw new Error('ffmpeg wrote an unexpected MP3 layout');
  return mp3;
}

/**
 * Writes `mp3` (looped) to the client in whole frames at real time: each tick sends the frames the
 * clock has reached since the start, so a late tick catches up as a real encoder's output would.
 */
export function feed(client: IcecastSource, mp3: Buffer): { stop(): void } {
  const start = Date.now();
  let sentFrames = 0;
  const frames = mp3.length / MP3_FRAME_BYTES;
  const timer = setInterval(() => {
    const due = Math.floor((((Date.now() - start) / 1000) * MP3_BYTES_PER_SECOND) / MP3_FRAME_BYTES);
    for (; sentFrames < due; sentFrames++) {
      const at = (sentFrames % frames) * MP3_FRAME_BYTES;
      client.write(mp3.subarray(at, at + MP3_FRAME_BYTES));
    }
  }, 20);
  return { stop: () => clearInterval(timer) };
}

/** The 1 kHz level (dBFS) and the level at 3 kHz (where nothing should be) in each whole second received. */
export function toneSeconds(received: Buffer, dir: string, name: string): { tone: number; off: number }[] {
  const file = path.join(dir, `${name}.mp3`);
  fs.writeFileSync(file, received);
  // ffmpeg's own decoder, its complaints about the stream's cut-off first frame kept off the test's output.
  const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'f32le', '-ac', '1', '-'], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  const samples = new Float32Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 4);
  const out: { tone: number; off: number }[] = [];
  // The first quarter second is skipped: the decoder finds its footing in a stream joined mid-frame.
  for (let at = 12000; at + 48000 <= samples.length; at += 48000) {
    const second = samples.subarray(at, at + 48000);
    out.push({ tone: toneDb(second, 48000, 1000), off: goertzelDb(second, 48000, 3000) });
  }
  return out;
}

/** Every event a client emitted, in order, for checks and for the credential scan. */
export type Recorded = { [K in keyof IcecastSourceEvents]: { event: K; payload: IcecastSourceEvents[K][0] } }[keyof IcecastSourceEvents];

export function record(client: IcecastSource, into: Recorded[] = []): Recorded[] {
  client.on('connected', (payload) => into.push({ event: 'connected', payload }));
  client.on('disconnected', (payload) => into.push({ event: 'disconnected', payload }));
  client.on('error', (payload) => into.push({ event: 'error', payload }));
  client.on('metadata', (payload) => into.push({ event: 'metadata', payload }));
  return into;
}

export function count(events: Recorded[], event: keyof IcecastSourceEvents): number {
  return events.filter((e) => e.event === event).length;
}
