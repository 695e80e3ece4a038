/**
 * The taps' readers: read everything new every few milliseconds, as a meter, a visualiser or a
 * network sender would, and look at it (every sample must be finite: a NaN or an infinity in the
 * mix is a glitch no counter reports). What a tap loses by falling behind it counts itself.
 */
import type { Tap } from '../..';
import type { JobTimes } from './job-times';

export interface TapReadStats {
  id: number;
  framesRead: number;
  /** Samples that were NaN or infinite. */
  nonFinite: number;
}

export class TapReaders {
  readonly #taps: Tap[];
  readonly #channels: number;
  readonly #everyMs: number;
  readonly #stats: TapReadStats[];
  #timer: NodeJS.Timeout | null = null;

  constructor(taps: Tap[], channels: number, everyMs: number) {
    this.#taps = taps;
    this.#channels = channels;
    this.#everyMs = everyMs;
    this.#stats = taps.map((t) => ({ id: t.id, framesRead: 0, nonFinite: 0 }));
  }

  start(jobs: JobTimes): void {
    this.#timer = setInterval(jobs.wrap('tapReads', this.#everyMs, () => this.#read()), this.#everyMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  stats(): TapReadStats[] {
    return this.#stats.map((s) => ({ ...s }));
  }

  #read(): void {
    this.#taps.forEach((tap, i) => {
      const data = tap.read();
      const s = this.#stats[i]!;
      s.framesRead += data.length / this.#channels;
      for (let k = 0; k < data.length; k++) if (!Number.isFinite(data[k]!)) s.nonFinite++;
    });
  }
}
