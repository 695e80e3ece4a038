/**
 * Checking an {@link IcecastSourceOptions} object once, at construction: every later step works on
 * the resolved values. Text that goes into a request header may hold no control characters (a
 * line break would let it add headers of its own). The password is never described in a message,
 * whatever its type.
 * @internal
 */
import { typeError, rangeError } from '../errors';
import { checkArray, checkBoolean, checkNumber, checkObject, checkOneOf, checkString } from '../validate';
import { DEFAULT_RETRY_DELAYS_MS } from './backoff';
import type { Credentials } from './credentials';
import type { StreamDescription } from './request';
import { parseStreamUrl, type StreamEndpoint } from './url';
import type { StreamFormat } from './types';

export interface ResolvedOptions {
  endpoint: StreamEndpoint;
  credentials: Credentials;
  stream: StreamDescription;
  retryDelaysMs: readonly number[];
  stableAfterMs: number;
  connectTimeoutMs: number;
  /** The most bytes queued on a connected socket before chunks are dropped. */
  maxQueueBytes: number;
}

const KEYS = [
  'url', 'format', 'bitrateKbps', 'sampleRate', 'channels', 'name', 'description', 'genre', 'public', 'user', 'password',
  'retryDelaysMs', 'stableAfterMs', 'connectTimeoutMs', 'maxQueueMs',
] as const;

const FORMATS: readonly StreamFormat[] = ['mp3', 'opus'];

/** When no bit rate is given, the queue is sized for the highest MP3 rate. */
const ASSUMED_KBPS = 320;

/** A header value: printable text of at most 1024 characters. */
export function checkHeaderText(value: unknown, name: string): string {
  const text = checkString(value, name);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) throw rangeError(`${name} must hold no control characters (line breaks, tabs, ...)`);
  if (text.length > 1024) throw rangeError(`${name} must be at most 1024 characters, got ${text.length}`);
  return text;
}

function optional<T>(value: unknown, check: (v: unknown) => T): T | undefined {
  return value === undefined ? undefined : check(value);
}

export function resolveOptions(value: unknown): ResolvedOptions {
  const o = checkObject(value, 'options', KEYS);
  const format = checkOneOf(o.format, 'options.format', FORMATS);
  const user = optional(o.user, (v) => checkHeaderText(v, 'options.user'));
  let password: string | undefined;
  if (o.password !== undefined) {
    if (typeof o.password !== 'string') throw typeError(`options.password must be a string, got ${typeof o.password}`);
    password = o.password;
  }
  const { endpoint, credentials } = parseStreamUrl(o.url, { user, password });
  const bitrateKbps = optional(o.bitrateKbps, (v) => checkNumber(v, 'options.bitrateKbps', 8, 1536, { integer: true }));
  const stream: StreamDescription = {
    format,
    bitrateKbps,
    sampleRate: optional(o.sampleRate, (v) => checkNumber(v, 'options.sampleRate', 8000, 192000, { integer: true })) ?? 48000,
    channels: optional(o.channels, (v) => checkNumber(v, 'options.channels', 1, 8, { integer: true })) ?? 2,
    name: optional(o.name, (v) => checkHeaderText(v, 'options.name')),
    description: optional(o.description, (v) => checkHeaderText(v, 'options.description')),
    genre: optional(o.genre, (v) => checkHeaderText(v, 'options.genre')),
    public: optional(o.public, (v) => checkBoolean(v, 'options.public')) ?? false,
  };
  const retryDelaysMs =
    optional(o.retryDelaysMs, (v) =>
      checkArray(v, 'options.retryDelaysMs', 1, 64).map((d, i) => checkNumber(d, `options.retryDelaysMs[${i}]`, 0, 600000)),
    ) ?? DEFAULT_RETRY_DELAYS_MS;
  const maxQueueMs = optional(o.maxQueueMs, (v) => checkNumber(v, 'options.maxQueueMs', 100, 60000)) ?? 2000;
  return {
    endpoint,
    credentials,
    stream,
    retryDelaysMs,
    stableAfterMs: optional(o.stableAfterMs, (v) => checkNumber(v, 'options.stableAfterMs', 0, 3600000)) ?? 10000,
    connectTimeoutMs: optional(o.connectTimeoutMs, (v) => checkNumber(v, 'options.connectTimeoutMs', 100, 600000)) ?? 10000,
    maxQueueBytes: Math.ceil((((bitrateKbps ?? ASSUMED_KBPS) * 1000) / 8) * (maxQueueMs / 1000)),
  };
}
