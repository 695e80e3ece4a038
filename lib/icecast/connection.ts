/**
 * One attempt to be a source: a TCP connection, the request, the server's answer, then the audio
 * going one way until either side ends it. The attempt reports how it ended exactly once; the
 * client above decides whether and when to try again.
 * @internal
 */
import net from 'node:net';
import { NotHttpError, ResponseReader, verdict } from './response';
import type { StreamEndpoint } from './url';
import type { DisconnectReason, SourceProtocol } from './types';

/** How an attempt ended. */
export type AttemptEnd =
  /** 401: the login was refused. */
  | { kind: 'auth'; statusCode: number }
  /** The server does not know `PUT`: try `SOURCE`. */
  | { kind: 'legacy'; statusCode: number }
  /** Anything else: worth another attempt later. `detail` is not yet scrubbed. */
  | { kind: 'retry'; reason: DisconnectReason; detail: string; statusCode?: number };

export interface AttemptListener {
  /** The server said go (100 Continue, or 2xx): audio may flow. */
  connected(): void;
  /** The server's final 2xx: the mount is set up (metadata updates are now accepted). */
  ready(): void;
  /** Called once, unless the attempt was closed by `end()` or `destroy()`. */
  ended(end: AttemptEnd): void;
}

/** Socket error codes that mean nobody could be reached there, with what to say of them. */
const UNREACHABLE: ReadonlyMap<string, string> = new Map([
  ['ECONNREFUSED', 'connection refused'],
  ['EHOSTUNREACH', 'host unreachable'],
  ['ENETUNREACH', 'network unreachable'],
  ['ENOTFOUND', 'host not found'],
  ['EAI_AGAIN', 'host name lookup failed'],
  ['EADDRNOTAVAIL', 'address not available'],
]);

function describeSocketError(code: string): { reason: DisconnectReason; detail: string } {
  const unreachable = UNREACHABLE.get(code);
  if (unreachable !== undefined) return { reason: 'unreachable', detail: `${unreachable} (${code})` };
  if (code === 'ETIMEDOUT') return { reason: 'timeout', detail: `connection timed out (${code})` };
  if (code === 'ECONNRESET' || code === 'EPIPE') return { reason: 'closed', detail: `connection reset by the server (${code})` };
  return { reason: 'closed', detail: `socket error (${code})` };
}

export class SourceConnection {
  readonly protocol: SourceProtocol;
  readonly #socket: net.Socket;
  readonly #listener: AttemptListener;
  readonly #reader = new ResponseReader();
  #timer: NodeJS.Timeout | undefined;
  #connected = false;
  #finished = false;
  #closed: Promise<void>;

  constructor(endpoint: StreamEndpoint, protocol: SourceProtocol, head: Buffer, timeoutMs: number, listener: AttemptListener) {
    this.protocol = protocol;
    this.#listener = listener;
    this.#socket = net.connect({ host: endpoint.host, port: endpoint.port });
    this.#closed = new Promise((resolve) => this.#socket.once('close', () => resolve()));
    this.#socket.setNoDelay(true); // small pages paced by the audio: send each as it comes
    this.#socket.once('connect', () => {
      // A server that vanishes without a FIN (power, network) is noticed by keep-alive probes.
      this.#socket.setKeepAlive(true, 5000);
      this.#socket.write(head);
    });
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (err: NodeJS.ErrnoException) => {
      this.#finish({ kind: 'retry', ...describeSocketError(err.code ?? 'unknown') });
    });
    this.#socket.on('close', () => {
      const detail = this.#connected ? 'the server closed the connection' : 'the server closed the connection before answering';
      this.#finish({ kind: 'retry', reason: 'closed', detail });
    });
    this.#timer = setTimeout(() => {
      this.#finish({ kind: 'retry', reason: 'timeout', detail: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  }

  get connected(): boolean {
    return this.#connected && !this.#finished;
  }

  /** Bytes waiting in this process for the socket to take them. */
  get queuedBytes(): number {
    return this.#socket.writableLength;
  }

  write(chunk: Buffer): void {
    this.#socket.write(chunk);
  }

  /**
   * Ends the request (the server sees the stream finish) and resolves once the socket is closed.
   * An attempt the server has not yet accepted is just dropped.
   */
  end(graceMs: number): Promise<void> {
    const accepted = this.connected;
    this.#finished = true;
    this.#clearTimer();
    if (!accepted) this.#socket.destroy();
    if (!this.#socket.destroyed) {
      this.#socket.end();
      // A server that does not close its side in time is not waited for.
      const force = setTimeout(() => this.#socket.destroy(), graceMs);
      void this.#closed.then(() => clearTimeout(force));
    }
    return this.#closed;
  }

  destroy(): void {
    this.#finished = true;
    this.#clearTimer();
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    if (this.#finished) return;
    let heads;
    try {
      heads = this.#reader.feed(chunk);
    } catch (err) {
      this.#finish({ kind: 'retry', reason: 'rejected', detail: err instanceof NotHttpError ? err.message : 'unreadable answer' });
      return;
    }
    for (const head of heads) {
      const v = verdict(head.statusCode, this.protocol === 'PUT');
      const status = `${head.statusCode} ${head.reason}`.trim();
      if (v === 'continue' || v === 'ok') {
        if (!this.#connected) {
          this.#connected = true;
          this.#clearTimer();
          this.#listener.connected();
        }
        if (v === 'ok') this.#listener.ready();
      } else if (v === 'auth' || v === 'legacy') {
        this.#finish({ kind: v, statusCode: head.statusCode });
      } else {
        const reason = v === 'in-use' ? 'mount-in-use' : 'rejected';
        this.#finish({ kind: 'retry', reason, detail: `the server refused the source: ${status}`, statusCode: head.statusCode });
      }
      if (this.#finished) return;
    }
  }

  #finish(end: AttemptEnd): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#clearTimer();
    this.#socket.destroy();
    this.#listener.ended(end);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
