/**
 * Checking the options of the consumers that encode the mix (recordings and live streams) into
 * what the addon takes. The stream's server-side options (URL, credentials, ice-* texts) are the
 * Icecast client's to check (icecast/options.ts): they never reach the addon.
 * @internal
 */
import { typeError } from './errors';
import { nativeRecord, type NativeRecordOptions, type NativeStreamOptions } from './native';
import type { RecordOptions, StreamOptions } from './types';
import { checkNumber, checkObject, checkOneOf, checkString } from './validate';

const METADATA_KEYS = ['title', 'artist', 'comment', 'date', 'genre', 'software'] as const;

function checkMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const m = checkObject(value, 'metadata', METADATA_KEYS);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) if (v !== undefined) out[k] = checkString(v, `metadata.${k}`);
  return out;
}

export function checkRecordOptions(options: RecordOptions): NativeRecordOptions {
  const o = checkObject(options, 'recording options', ['path', 'format', 'bitDepth', 'bitrateKbps', 'splitSeconds', 'metadata']);
  const path = checkString(o.path, 'path');
  if (path.length === 0) throw typeError('path must not be empty');
  const format = o.format === undefined ? 'wav' : checkOneOf(o.format, 'format', ['wav', 'flac', 'mp3', 'opus'] as const);
  const bitDepth = o.bitDepth === undefined ? 24 : checkOneOf(o.bitDepth, 'bitDepth', [16, 24, 32] as const);
  const bitrateKbps =
    o.bitrateKbps === undefined ? undefined : checkNumber(o.bitrateKbps, 'bitrateKbps', 6, 640, { integer: true });
  const splitSeconds =
    o.splitSeconds === undefined ? undefined : checkNumber(o.splitSeconds, 'splitSeconds', 0.001, 1e7);
  const metadata = checkMetadata(o.metadata);
  if (bitDepth === 32 && format !== 'wav') throw new RangeError(`bitDepth 32 (float) is for 'wav'; ${format} takes 16 or 24`);
  return nativeRecord({ path, format, bitDepth, bitrateKbps, splitSeconds, metadata });
}

export const STREAM_OPTION_KEYS = [
  'url', 'format', 'bitrateKbps', 'name', 'description', 'genre', 'public', 'user', 'password',
] as const;

/** The encoder's part of a stream's options (the rest is checked by the Icecast client). */
export function checkStreamEncoderOptions(options: StreamOptions): NativeStreamOptions {
  const o = checkObject(options, 'stream options', STREAM_OPTION_KEYS);
  const format = o.format === undefined ? 'mp3' : checkOneOf(o.format, 'format', ['mp3', 'opus'] as const);
  const bitrateKbps =
    o.bitrateKbps === undefined ? undefined : checkNumber(o.bitrateKbps, 'bitrateKbps', 6, 510, { integer: true });
  return nativeRecord({ format, bitrateKbps });
}
