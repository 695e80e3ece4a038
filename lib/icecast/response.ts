/**
 * Reading the server's answers to a source request. Icecast answers a `PUT` with `Expect:
 * 100-continue` with `100 Continue` and then, once the mount is set up, `HTTP/1.0 200 OK`; a
 * `SOURCE` gets just the `200 OK`. Refusals (401, 403, ...) come instead, followed by the server
 * closing the connection. After a final 2xx the server sends nothing more, and nothing more is read.
 * @internal
 */

/** A response's status line. */
export interface ResponseHead {
  statusCode: number;
  /** The reason phrase: from the server, so shown only after scrubbing. */
  reason: string;
}

/** What a status means for a source. */
export type Verdict =
  /** 100: go on, send the audio. */
  | 'continue'
  /** 2xx: the server took the stream. */
  | 'ok'
  /** 401: wrong user or password; retrying cannot help. */
  | 'auth'
  /** 403: mount point in use or too many sources; may clear up. */
  | 'in-use'
  /** The server does not know `PUT` (Icecast < 2.4): log in with `SOURCE` instead. */
  | 'legacy'
  /** Any other refusal. */
  | 'rejected';

/** Statuses an old server gives a method it does not know. */
const UNKNOWN_METHOD = new Set([400, 405, 501]);

export function verdict(statusCode: number, sentPut: boolean): Verdict {
  if (statusCode === 100) return 'continue';
  if (statusCode >= 200 && statusCode < 300) return 'ok';
  if (statusCode === 401) return 'auth';
  if (statusCode === 403) return 'in-use';
  if (sentPut && UNKNOWN_METHOD.has(statusCode)) return 'legacy';
  return 'rejected';
}

/** An answer that is not HTTP, or a head too large to be one. */
export class NotHttpError extends Error {}

const MAX_HEAD = 16 * 1024;
const STATUS_LINE = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/;

/** Splits the bytes a server sends into response heads, one call per chunk received. */
export class ResponseReader {
  #pending: Buffer = Buffer.alloc(0);
  #bodyLeft = 0;
  #done = false;

  /** The heads completed by `chunk`, in order. Throws NotHttpError on anything else. */
  feed(chunk: Buffer): ResponseHead[] {
    const heads: ResponseHead[] = [];
    if (this.#done) return heads;
    let buf = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    for (;;) {
      if (this.#bodyLeft > 0) {
        const skip = Math.min(this.#bodyLeft, buf.length);
        this.#bodyLeft -= skip;
        buf = buf.subarray(skip);
      }
      if (buf.length >= 5 && buf.subarray(0, 5).toString('latin1') !== 'HTTP/') {
        throw new NotHttpError('the server did not answer with HTTP');
      }
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) break;
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      buf = buf.subarray(end + 4);
      const match = STATUS_LINE.exec(lines[0] ?? '');
      if (match === null) throw new NotHttpError('the server did not answer with HTTP');
      const head = { statusCode: Number(match[1]), reason: (match[2] ?? '').trim() };
      heads.push(head);
      if (head.statusCode >= 200) {
        // A final answer: a refusal is followed by the server closing, a 2xx by the audio going one way.
        this.#done = true;
        break;
      }
      const length = lines.find((l) => /^content-length:/i.test(l));
      this.#bodyLeft = length === undefined ? 0 : Math.max(0, Number(length.slice(15).trim()) || 0);
    }
    if (this.#done) {
      this.#pending = Buffer.alloc(0);
      return heads;
    }
    if (buf.length > MAX_HEAD) throw new NotHttpError('the server sent an oversized answer');
    this.#pending = Buffer.from(buf);
    return heads;
  }
}
