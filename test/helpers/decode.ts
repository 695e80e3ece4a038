/**
 * Reading back what ringmix wrote, with real decoders (Debian's ffmpeg and sox): never our own
 * code, so a file that only we could read fails.
 */
import { execFileSync } from 'node:child_process';

/** Every sample of an audio file as ffmpeg decodes it: interleaved 32-bit float. */
export function decode(path: string, channels: number): Float32Array {
  const out = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'f32le', '-ac', String(channels), '-'], {
    maxBuffer: 1 << 30,
  });
  return new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4);
}

/** What sox says of a file: rate, channels, bits per sample, samples (per channel). */
export function soxInfo(path: string): { rate: number; channels: number; bits: number; samples: number } {
  const q = (flag: string): number => Number(execFileSync('sox', ['--i', flag, path], { encoding: 'utf8' }).trim());
  return { rate: q('-r'), channels: q('-c'), bits: q('-b'), samples: q('-s') };
}

/** A tag as ffprobe reads it from the file's metadata (undefined if absent). */
export function probeTag(path: string, tag: string): string | undefined {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', `format_tags=${tag}`, '-of', 'default=nw=1:nk=1', path], {
    encoding: 'utf8',
  }).trim();
  return out === '' ? undefined : out;
}

/** A tag of the first audio stream (Ogg keeps its comments per stream: Opus), undefined if absent. */
export function probeStreamTag(path: string, tag: string): string | undefined {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', `stream_tags=${tag}`, '-of', 'default=nw=1:nk=1', path], {
    encoding: 'utf8',
  }).trim();
  return out === '' ? undefined : out;
}

/** The largest difference between two sample arrays of the same length. */
export function maxDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
