/**
 * An Icecast source client: keeps one live stream on a mount point, reconnecting by itself.
 *
 * Live audio is never stored up: while no connection is up, the chunks given to `write()` are
 * discarded (and counted), and while connected, a socket that falls more than `maxQueueMs` behind
 * loses chunks (counted) rather than growing memory, so listeners hear the present, not a backlog.
 * A refused login (401) ends the stream with one `'error'`; everything else (server down, mount
 * in use, connection lost) is a `'disconnected'` followed by another attempt after a growing wait.
 *
 * The password stays inside a {@link Credentials}; what this object shows of itself (`toString`,
 * `util.inspect`, `toJSON`, events, errors, stats) names only the redacted URL.
 * @internal
 */
import { EventEmitter } from 'node:events';
import { inspect, types } from 'node:util';
import { RingmixError, rangeError, typeError } from '../errors';
import { checkObject, checkString } from '../validate';
import { Backoff } from './backoff';
import { SourceConnection, type AttemptEnd } from './connection';
import { sendMetadata } from './metadata';
import { resolveOptions, type ResolvedOptions } from './options';
import { sourceRequest } from './request';
import type {
  IcecastSourceEvents,
  IcecastSourceOptions,
  IcecastStats,
  IcecastStatus,
  MetadataResult,
  SourceProtocol,
  StreamFormat,
  StreamMetadata,
} from './types';

/** How long `stop()` lets the server close its side before the socket is destroyed. */
const STOP_GRACE_MS = 2000;

type Counters = Omit<IcecastStats, 'status' | 'connected' | 'protocol'>;

export class IcecastSource extends EventEmitter<IcecastSourceEvents> {
  /** The stream URL without credentials: `http://host:port/mount`. */
  readonly url: string;
  readonly format: StreamFormat;
  /**
   * True for Ogg/Opus: titles travel in the stream (Vorbis comments written by the encoder, which
   * listens to `'metadata'`), not through the server's admin interface.
   */
  readonly metadataInBand: boolean;
  readonly #opts: ResolvedOptions;
  readonly #backoff: Backoff;
  #status: IcecastStatus = 'idle';
  #protocol: SourceProtocol = 'PUT';
  #conn: SourceConnection | null = null;
  #connectedAt: number | null = null;
  #ready = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | null = null;
  #metadata: StreamMetadata | null = null;
  #metadataPending = false;
  #metadataChain: Promise<unknown> = Promise.resolve();
  readonly #counters: Counters = {
    bytesSent: 0,
    discardedBytes: 0,
    droppedBytes: 0,
    attempts: 0,
    connects: 0,
    reconnects: 0,
    metadataUpdates: 0,
    metadataFailures: 0,
    lastDisconnect: null,
  };

  /** Checks the options (TypeError, RangeError, or `ERR_STREAM_URL` for the URL); connects on `start()`. */
  constructor(options: IcecastSourceOptions) {
    super();
    this.#opts = resolveOptions(options);
    this.#backoff = new Backoff(this.#opts.retryDelaysMs);
    this.url = this.#opts.endpoint.display;
    this.format = this.#opts.stream.format;
    this.metadataInBand = this.format === 'opus';
  }

  /** See {@link IcecastStatus}. */
  get status(): IcecastStatus {
    return this.#status;
  }

  get connected(): boolean {
    return this.#conn?.connected ?? false;
  }

  /** Starts connecting (idempotent while running). Throws `ERR_CLOSED` after `stop()` or a failure. */
  start(): void {
    if (this.#status === 'stopped' || this.#status === 'failed') {
      throw new RingmixError('ERR_CLOSED', `${this.url}: this source was ${this.#status}; create a new one`);
    }
    if (this.#status !== 'idle') return;
    this.#status = 'connecting';
    this.#attempt();
  }

  /**
   * Sends a chunk of encoded audio (whole MP3 frames or Ogg pages), copied. Returns false when it
   * was discarded (not connected) or dropped (the socket is `maxQueueMs` behind).
   */
  write(chunk: Uint8Array): boolean {
    if (!types.isUint8Array(chunk)) throw typeError('chunk must be a Buffer or Uint8Array');
    const conn = this.#conn;
    if (conn === null || !conn.connected) {
      this.#counters.discardedBytes += chunk.byteLength;
      return false;
    }
    if (conn.queuedBytes + chunk.byteLength > this.#opts.maxQueueBytes) {
      this.#counters.droppedBytes += chunk.byteLength;
      return false;
    }
    conn.write(Buffer.from(chunk));
    this.#counters.bytesSent += chunk.byteLength;
    return true;
  }

  /**
   * The title now playing. MP3: sent to the server's admin interface (now if connected, else when
   * the stream connects; the latest title is sent again after every reconnection). Opus: emitted
   * as `'metadata'` for the encoder. Rejects with `ERR_STREAM_AUTH` or `ERR_STREAM` if the server
   * refuses it, `ERR_CLOSED` after `stop()`.
   */
  setMetadata(metadata: StreamMetadata): Promise<MetadataResult> {
    const m = checkObject(metadata, 'metadata', ['title', 'artist']);
    const meta: StreamMetadata = { title: checkText(m.title, 'metadata.title') };
    if (m.artist !== undefined) meta.artist = checkText(m.artist, 'metadata.artist');
    if (this.#status === 'stopped' || this.#status === 'failed') {
      return Promise.reject(new RingmixError('ERR_CLOSED', `${this.url}: this source was ${this.#status}`));
    }
    if (this.metadataInBand) {
      this.emit('metadata', meta);
      return Promise.resolve('in-band');
    }
    this.#metadata = meta;
    if (!this.#ready) {
      this.#metadataPending = true;
      return Promise.resolve('pending');
    }
    return this.#sendMetadata();
  }

  /** Ends the stream cleanly (no reconnection afterwards); resolves once the socket is closed. Idempotent. */
  stop(): Promise<void> {
    if (this.#stopping) return this.#stopping;
    this.#status = 'stopped';
    clearTimeout(this.#retryTimer);
    const conn = this.#conn;
    this.#conn = null;
    this.#ready = false;
    this.#stopping = conn === null ? Promise.resolve() : conn.end(STOP_GRACE_MS);
    return this.#stopping;
  }

  stats(): IcecastStats {
    return { status: this.#status, connected: this.connected, protocol: this.#protocol, ...this.#counters };
  }

  override toString(): string {
    return `IcecastSource(${this.url}, ${this.format}, ${this.#status})`;
  }

  toJSON(): { url: string; format: StreamFormat; status: string } {
    return { url: this.url, format: this.format, status: this.#status };
  }

  [inspect.custom](): string {
    return this.toString();
  }

  #attempt(): void {
    this.#retryTimer = undefined;
    if (this.#status === 'stopped' || this.#status === 'failed') return;
    this.#counters.attempts++;
    const { endpoint, credentials, stream, connectTimeoutMs } = this.#opts;
    const head = sourceRequest(this.#protocol, endpoint, credentials, stream);
    const conn: SourceConnection = new SourceConnection(endpoint, this.#protocol, head, connectTimeoutMs, {
      connected: () => this.#onConnected(conn),
      ready: () => this.#onReady(conn),
      ended: (end) => this.#onEnded(conn, end),
    });
    this.#conn = conn;
  }

  #onConnected(conn: SourceConnection): void {
    if (conn !== this.#conn) return;
    this.#status = 'connected';
    this.#connectedAt = Date.now();
    this.#counters.reconnects = this.#counters.connects;
    this.#counters.connects++;
    this.emit('connected', { url: this.url, protocol: conn.protocol, reconnects: this.#counters.reconnects });
  }

  #onReady(conn: SourceConnection): void {
    if (conn !== this.#conn) return;
    this.#ready = true;
    if (this.#metadataPending && this.#metadata !== null) {
      // Not the caller's promise any more: a failure is counted in stats().metadataFailures.
      this.#sendMetadata().catch(() => undefined);
    }
  }

  #onEnded(conn: SourceConnection, end: AttemptEnd): void {
    if (conn !== this.#conn) return;
    this.#conn = null;
    this.#ready = false;
    const lived = this.#connectedAt === null ? null : Date.now() - this.#connectedAt;
    this.#connectedAt = null;
    if (lived !== null && lived >= this.#opts.stableAfterMs) this.#backoff.reset();
    if (lived !== null && this.#metadata !== null) this.#metadataPending = true; // a new mount starts untitled

    if (end.kind === 'auth') {
      this.#status = 'failed';
      this.#report(new RingmixError('ERR_STREAM_AUTH', `${this.url}: the server refused the source login (401): check the user and password`));
      return;
    }
    if (end.kind === 'legacy' && this.#protocol === 'PUT') {
      // An Icecast older than 2.4: the same login as a SOURCE request, at once (not a failure).
      this.#protocol = 'SOURCE';
      this.#retryTimer = setTimeout(() => this.#attempt(), 0);
      return;
    }
    const retryInMs = this.#backoff.next();
    const reason = end.kind === 'retry' ? end.reason : 'rejected';
    const detail = end.kind === 'retry' ? this.#opts.credentials.scrub(end.detail) : `the server refused the source: ${end.statusCode}`;
    this.#status = 'reconnecting';
    this.#counters.lastDisconnect = reason;
    this.#retryTimer = setTimeout(() => this.#attempt(), retryInMs);
    this.emit('disconnected', {
      reason,
      message: `${this.url}: ${detail}`,
      ...(end.statusCode !== undefined ? { statusCode: end.statusCode } : {}),
      wasConnected: lived !== null,
      retryInMs,
    });
  }

  /** Sends the latest title after whatever update is in flight (so the server ends with the newest). */
  #sendMetadata(): Promise<MetadataResult> {
    this.#metadataPending = false;
    const send = async (): Promise<MetadataResult> => {
      const meta = this.#metadata;
      if (meta === null) return 'sent';
      try {
        await sendMetadata(this.#opts.endpoint, this.#opts.credentials, meta, this.#opts.connectTimeoutMs);
      } catch (err) {
        this.#counters.metadataFailures++;
        throw err;
      }
      this.#counters.metadataUpdates++;
      return 'sent';
    };
    const result = this.#metadataChain.then(send, send);
    this.#metadataChain = result.catch(() => undefined);
    return result;
  }

  /** A failure that ends the stream: an `'error'` event, or a warning when nobody listens (an unheard 'error' would crash). */
  #report(error: RingmixError): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
    else process.emitWarning(error);
  }
}

function checkText(value: unknown, name: string): string {
  const text = checkString(value, name);
  if (text.length > 1024) throw rangeError(`${name} must be at most 1024 characters, got ${text.length}`);
  return text;
}
