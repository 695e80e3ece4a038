/**
 * A listener of the Icecast stream: counts the bytes it gets (keeping none), so the report shows
 * the stream reached a listener at its bit rate the whole time, and whether the server dropped it.
 */
import http from 'node:http';

export interface ListenerStats {
  status: number | null;
  bytes: number;
  /** The connection ended before the soak stopped it (the server or the stream dropped it). */
  endedEarly: boolean;
  error: string | null;
}

export class StreamListener {
  readonly #stats: ListenerStats = { status: null, bytes: 0, endedEarly: false, error: null };
  #req: http.ClientRequest | null = null;
  #stopping = false;

  start(url: string): void {
    this.#req = http.get(url, { agent: false }, (res) => {
      this.#stats.status = res.statusCode ?? null;
      res.on('data', (d: Buffer) => (this.#stats.bytes += d.length));
      res.on('error', () => undefined); // 'close' follows
      res.on('close', () => {
        if (!this.#stopping) this.#stats.endedEarly = true;
      });
    });
    this.#req.on('error', (err) => {
      if (!this.#stopping) this.#stats.error = err.message;
    });
  }

  stop(): void {
    this.#stopping = true;
    this.#req?.destroy();
  }

  stats(): ListenerStats {
    return { ...this.#stats };
  }
}
