/**
 * How long each periodic JS job of the soak takes (metrics poll, push writes, tap reads, fader
 * moves), and when the event loop ran a job late. A push input runs dry or a tap falls behind only
 * when the event loop stalls; this tells whether ringmix's own calls made it stall (their maximum
 * here) or something else did (a stall with no slow job: GC, or the machine).
 */
export interface JobTime {
  count: number;
  totalMs: number;
  maxMs: number;
  /** When the slowest run happened, seconds since the soak's start. */
  maxAtS: number;
}

export interface LateRun {
  job: string;
  atS: number;
  /** How much later than its interval the job ran. */
  lateMs: number;
}

export class JobTimes {
  readonly #t0: number;
  readonly #jobs = new Map<string, JobTime>();
  readonly #late: LateRun[] = [];
  readonly #lateThresholdMs: number;

  constructor(t0: number, lateThresholdMs = 50) {
    this.#t0 = t0;
    this.#lateThresholdMs = lateThresholdMs;
  }

  /** `fn`, timed, for a timer firing every `everyMs`. */
  wrap(name: string, everyMs: number, fn: () => void): () => void {
    const job: JobTime = { count: 0, totalMs: 0, maxMs: 0, maxAtS: 0 };
    this.#jobs.set(name, job);
    let last = Number.NaN;
    return () => {
      const start = performance.now();
      const late = start - last - everyMs;
      last = start;
      if (late > this.#lateThresholdMs && this.#late.length < 50) {
        this.#late.push({ job: name, atS: Math.round((start - this.#t0) / 10) / 100, lateMs: Math.round(late) });
      }
      fn();
      const ms = performance.now() - start;
      job.count++;
      job.totalMs += ms;
      if (ms > job.maxMs) {
        job.maxMs = ms;
        job.maxAtS = Math.round((start - this.#t0) / 10) / 100;
      }
    };
  }

  /** Forget what start-up did (module loading, first calls). */
  reset(): void {
    for (const j of this.#jobs.values()) Object.assign(j, { count: 0, totalMs: 0, maxMs: 0, maxAtS: 0 });
    this.#late.length = 0;
  }

  report(): { jobs: Record<string, { maxMs: number; maxAtS: number; meanMs: number; count: number }>; lateRuns: LateRun[] } {
    const jobs = Object.fromEntries(
      [...this.#jobs].map(([k, j]) => [k, { maxMs: Math.round(j.maxMs * 100) / 100, maxAtS: j.maxAtS, meanMs: Math.round((j.totalMs / Math.max(1, j.count)) * 1000) / 1000, count: j.count }]),
    );
    return { jobs, lateRuns: [...this.#late] };
  }
}
