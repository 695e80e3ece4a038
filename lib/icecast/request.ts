/**
 * The request a source logs in with. Icecast ≥ 2.4 takes an HTTP/1.1 `PUT` whose body is the
 * stream (no length, no chunking: Icecast reads raw bytes until the connection closes), and
 * answers `Expect: 100-continue` with `100 Continue` before the audio flows. Older servers know
 * only the legacy `SOURCE` request (HTTP/1.0, same headers, no `Expect`). The `ice-*` headers
 * describe the stream to listeners and directories.
 * @internal
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Credentials } from './credentials';
import type { StreamEndpoint } from './url';
import type { SourceProtocol, StreamFormat } from './types';

/** What the request says about the stream. */
export interface StreamDescription {
  format: StreamFormat;
  bitrateKbps: number | undefined;
  sampleRate: number;
  channels: number;
  name: string | undefined;
  description: string | undefined;
  genre: string | undefined;
  public: boolean;
}

export const CONTENT_TYPES: Readonly<Record<StreamFormat, string>> = { mp3: 'audio/mpeg', opus: 'audio/ogg' };

let version: string | undefined;

/** This package's version, for `User-Agent` (read once; the file sits two levels up from lib/ and dist/). */
export function packageVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
      version = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}

/**
 * The request head, as bytes. Holds the secret. Icecast 2.4 reads the `ice-*` text of an MP3
 * mount as ISO-8859-1 (the mount's default charset) and of an Ogg mount as UTF-8, so each is
 * sent the way it will be read (for MP3, characters beyond Latin-1 become '?').
 */
export function sourceRequest(protocol: SourceProtocol, endpoint: StreamEndpoint, credentials: Credentials, stream: StreamDescription): Buffer {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  const lines = [
    protocol === 'PUT' ? `PUT ${endpoint.mount} HTTP/1.1` : `SOURCE ${endpoint.mount} HTTP/1.0`,
    `Host: ${host}:${endpoint.port}`,
    `Authorization: ${credentials.authorization()}`,
    `User-Agent: ringmix/${packageVersion()}`,
    `Content-Type: ${CONTENT_TYPES[stream.format]}`,
  ];
  if (protocol === 'PUT') lines.push('Expect: 100-continue');
  lines.push(`ice-public: ${stream.public ? 1 : 0}`);
  if (stream.name !== undefined) lines.push(`ice-name: ${stream.name}`);
  if (stream.description !== undefined) lines.push(`ice-description: ${stream.description}`);
  if (stream.genre !== undefined) lines.push(`ice-genre: ${stream.genre}`);
  const info = [`samplerate=${stream.sampleRate}`, `channels=${stream.channels}`];
  if (stream.bitrateKbps !== undefined) {
    info.unshift(`bitrate=${stream.bitrateKbps}`);
    lines.push(`ice-bitrate: ${stream.bitrateKbps}`);
  }
  lines.push(`ice-audio-info: ${info.join(';')}`);
  const text = `${lines.join('\r\n')}\r\n\r\n`;
  return stream.format === 'mp3' ? Buffer.from(text.replace(/[^\u0000-\u00ff]/gu, '?'), 'latin1') : Buffer.from(text, 'utf8');
}
