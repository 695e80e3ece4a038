/**
 * The stream URL: `http://[user:password@]host[:port]/mount`, split into where to connect and who
 * to log in as. Credentials leave this file only inside a {@link Credentials}, and every message
 * shows the redacted form (`http://host:port/mount`), never the URL as given: a URL that fails to
 * parse is not echoed at all, since it may still hold a password.
 *
 * Only `http:` is accepted. Icecast's TLS listeners are rare and a TLS-terminating proxy in front
 * is the usual set-up; `https:` is rejected with `ERR_STREAM_URL` rather than half supported.
 * @internal
 */
import { RingmixError, typeError } from '../errors';
import { Credentials } from './credentials';

/** Where a source connects: host, port and mount point, and the form that may be shown. */
export interface StreamEndpoint {
  /** Host name or address as `net.connect` takes it (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  /** The mount point as it appears in the request line (percent-encoded, starts with '/'). */
  readonly mount: string;
  /** `http://host:port/mount`: no credentials, safe for messages and logs. */
  readonly display: string;
}

/** User and password given as options: they win over the URL's. */
export interface LoginOptions {
  readonly user?: string | undefined;
  readonly password?: string | undefined;
}

/** Icecast's name for the source user when none is given. */
export const DEFAULT_SOURCE_USER = 'source';

const SHAPE = 'http://[user:password@]host:port/mount';

function urlError(message: string): RingmixError {
  return new RingmixError('ERR_STREAM_URL', message);
}

/** Parses and checks the stream URL and merges the login options into it. */
export function parseStreamUrl(url: unknown, login: LoginOptions = {}): { endpoint: StreamEndpoint; credentials: Credentials } {
  if (typeof url !== 'string') throw typeError(`url must be a string (${SHAPE}), got ${typeof url}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not echoed: a malformed URL may still carry a password.
    throw urlError(`url is not a valid URL: expected ${SHAPE}`);
  }
  const port = parsed.port === '' ? 80 : Number(parsed.port);
  const display = `${parsed.protocol}//${parsed.hostname}:${port}${parsed.pathname}`;
  if (parsed.protocol === 'https:') {
    throw urlError(`${display}: https is not supported; use http:// (or a TLS-terminating proxy in front of Icecast)`);
  }
  if (parsed.protocol !== 'http:') throw urlError(`url must start with http:// (${SHAPE}), got ${parsed.protocol}//`);
  if (parsed.hostname === '') throw urlError(`url has no host: expected ${SHAPE}`);
  if (parsed.pathname === '/' || parsed.pathname === '') {
    throw urlError(`${display}: the url has no mount point (e.g. http://host:8000/live.mp3)`);
  }
  if (parsed.search !== '' || parsed.hash !== '') throw urlError(`${display}: a mount point takes no query (?) or fragment (#)`);

  const user = login.user ?? (parsed.username !== '' ? decode(parsed.username, display) : DEFAULT_SOURCE_USER);
  const password = login.password ?? decode(parsed.password, display);
  if (user === '' || user.includes(':')) throw urlError(`${display}: the user must be non-empty and hold no ':'`);
  if (password === '') throw urlError(`${display}: no password: give options.password or put it in the url`);
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return { endpoint: { host, port, mount: parsed.pathname, display }, credentials: new Credentials(user, password) };
}

function decode(component: string, display: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    throw urlError(`${display}: the url's user or password is not valid percent-encoding`);
  }
}
