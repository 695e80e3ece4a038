/**
 * Song titles for MP3 streams: MP3 has no room for them in the stream a source sends, so Icecast
 * takes them out of band, `GET /admin/metadata?mode=updinfo`, logged in as the mount's source,
 * and inserts them into what listeners receive (ICY metadata) and into its status pages. The
 * charset is given because Icecast reads an MP3 mount's titles as ISO-8859-1 otherwise.
 * @internal
 */
import http from 'node:http';
import { RingmixError } from '../errors';
import type { Credentials } from './credentials';
import type { StreamEndpoint } from './url';
import type { StreamMetadata } from './types';

/** `Artist - Title`, the form players split on, or the title alone. */
export function songText(meta: StreamMetadata): string {
  return meta.artist !== undefined && meta.artist !== '' ? `${meta.artist} - ${meta.title}` : meta.title;
}

/** Sends one update; rejects with `ERR_STREAM_AUTH` (401) or `ERR_STREAM`, naming only the redacted URL. */
export function sendMetadata(endpoint: StreamEndpoint, credentials: Credentials, meta: StreamMetadata, timeoutMs: number): Promise<void> {
  const mount = encodeURIComponent(decodeURIComponent(endpoint.mount));
  const query = `mount=${mount}&mode=updinfo&charset=UTF-8&song=${encodeURIComponent(songText(meta))}`;
  const where = `metadata update for ${endpoint.display}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: endpoint.host,
        port: endpoint.port,
        path: `/admin/metadata?${query}`,
        method: 'GET',
        agent: false,
        headers: { Authorization: credentials.authorization(), 'User-Agent': 'ringmix' },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume(); // the body (a short XML note) is not needed: the status says it all
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else if (status === 401) reject(new RingmixError('ERR_STREAM_AUTH', `${where}: the server refused the login (401)`));
        else reject(new RingmixError('ERR_STREAM', `${where}: the server answered ${status}`));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      reject(new RingmixError('ERR_STREAM', `${where} failed: ${credentials.scrub(err.code ?? err.message)}`));
    });
    req.end();
  });
}
