/**
 * When to try again after a failed attempt or a lost connection. The first retry is immediate (a
 * dropped connection to a healthy server should cost no audio), then the waits grow to a cap, so
 * a server that is down is asked every few seconds rather than flooded. A connection that stayed
 * up a while means the trouble is over: the next failure starts from the first delay again.
 * @internal
 */

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [0, 500, 1000, 2000, 4000, 8000, 10000];

export class Backoff {
  readonly #delays: readonly number[];
  #failures = 0;

  constructor(delays: readonly number[] = DEFAULT_RETRY_DELAYS_MS) {
    this.#delays = delays.length > 0 ? delays : DEFAULT_RETRY_DELAYS_MS;
  }

  /** The wait before the next attempt (the last delay repeats once the list is used up). */
  next(): number {
    const delay = this.#delays[Math.min(this.#failures, this.#delays.length - 1)] ?? 0;
    this.#failures++;
    return delay;
  }

  /** After a connection that lasted: the next failure waits the first delay again. */
  reset(): void {
    this.#failures = 0;
  }
}
