/**
 * What the soak watches while it runs: `mixer.metrics()` polled at a UI's rate (60 Hz), the
 * process's memory every second, the event loop's delay and V8's GC pauses (the last two explain a
 * JS consumer's loss, should there be one).
 *
 * Wake-up lateness per window: the engine publishes the mean lateness since start and the maximum
 * over the last 0.5–1 s, not each cycle's. Between two polls, (mean × cycles) grew by the sum of
 * the lateness of the cycles in between, so the difference over the cycles' count is the mean
 * lateness of those ~3 cycles: a near per-cycle series whose quantiles the report gives. The
 * worst single wake-up is the largest `lateUs.max` seen. Cycle time, the same way.
 */
import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import type { Metrics, Mixer } from '../..';
import type { JobTimes } from './job-times';
import { stealMs } from './steal';

export interface WindowSeries {
  /** Window means, in µs, from the ready mark on. */
  values: Float64Array;
  /** The largest per-second maximum the engine reported (a single cycle's), from the ready mark on. */
  worst: number;
}

export class Sampler {
  readonly #mixer: Mixer;
  readonly #pollMs: number;
  readonly #rssEveryMs: number;
  readonly #t0: number;
  // Preallocated for the whole run: the sampler must not grow the memory it measures.
  readonly #late: Float64Array;
  readonly #cycle: Float64Array;
  #n = 0;
  #readyAt = 0;
  /** Until then a poll's `max` may still cover start-up (it spans up to the last second). */
  #worstFromMs = 0;
  #worstLate = 0;
  #worstCycle = 0;
  readonly #rssT: Float64Array;
  readonly #rss: Float64Array;
  readonly #heapTotal: Float64Array;
  readonly #heap: Float64Array;
  /** The hypervisor's steal time in each second (see steal.ts), ms over all CPUs. */
  readonly #steal: Float64Array;
  #stealAt = stealMs();
  #rssN = 0;
  #prev: { cycles: number; lateSum: number; cycleSum: number } | null = null;
  #last: Metrics | null = null;
  #polls = 0;
  readonly #loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 5 });
  readonly #gc: PerformanceObserver;
  #gcCount = 0;
  #gcMaxMs = 0;
  #gcTotalMs = 0;
  #timers: NodeJS.Timeout[] = [];

  constructor(mixer: Mixer, durationMs: number, pollHz: number, rssEveryMs: number) {
    this.#mixer = mixer;
    this.#pollMs = Math.round(1000 / pollHz);
    this.#rssEveryMs = rssEveryMs;
    this.#t0 = performance.now();
    const polls = Math.ceil((durationMs / this.#pollMs) * 1.2) + 1000; // timers run late, never early
    this.#late = new Float64Array(polls);
    this.#cycle = new Float64Array(polls);
    const rssSamples = Math.ceil(durationMs / rssEveryMs) + 100;
    this.#rssT = new Float64Array(rssSamples);
    this.#rss = new Float64Array(rssSamples);
    this.#heapTotal = new Float64Array(rssSamples);
    this.#heap = new Float64Array(rssSamples);
    this.#steal = new Float64Array(rssSamples);
    this.#gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        this.#gcCount++;
        this.#gcTotalMs += e.duration;
        this.#gcMaxMs = Math.max(this.#gcMaxMs, e.duration);
      }
    });
  }

  start(jobs: JobTimes): void {
    this.#loop.enable();
    this.#gc.observe({ entryTypes: ['gc'] });
    this.#timers.push(setInterval(jobs.wrap('metricsPoll', this.#pollMs, () => this.#poll()), this.#pollMs));
    this.#timers.push(setInterval(() => this.#memory(), this.#rssEveryMs));
    this.#memory();
  }

  stop(): void {
    this.#timers.forEach(clearInterval);
    this.#timers = [];
    this.#loop.disable();
    this.#gc.disconnect();
  }

  /** From now on the windows count (start-up's are dropped). Also resets the loop and GC figures. */
  markReady(): void {
    this.#readyAt = this.#n;
    this.#worstFromMs = this.elapsedMs() + 1000;
    this.#worstLate = 0;
    this.#worstCycle = 0;
    this.#loop.reset();
    this.#gcCount = this.#gcMaxMs = this.#gcTotalMs = 0;
  }

  /** ms since the sampler was made. */
  elapsedMs(): number {
    return performance.now() - this.#t0;
  }

  /** The newest metrics polled. */
  last(): Metrics {
    return this.#last ?? this.#mixer.metrics();
  }

  polls(): number {
    return this.#polls;
  }

  lateness(): WindowSeries {
    return { values: this.#late.slice(this.#readyAt, this.#n), worst: this.#worstLate };
  }

  cycleTime(): WindowSeries {
    return { values: this.#cycle.slice(this.#readyAt, this.#n), worst: this.#worstCycle };
  }

  /** Memory samples: time since start (ms), RSS, V8 heap total and used (bytes). */
  memory(): { t: Float64Array; rss: Float64Array; heapTotal: Float64Array; heapUsed: Float64Array } {
    const n = this.#rssN;
    return { t: this.#rssT.slice(0, n), rss: this.#rss.slice(0, n), heapTotal: this.#heapTotal.slice(0, n), heapUsed: this.#heap.slice(0, n) };
  }

  /** Steal time over the run: in all, the worst second, and the seconds that had any (ms). */
  steal(): { totalMs: number; worstSecondMs: number; secondsWithSteal: number } {
    const s = this.#steal.subarray(0, this.#rssN);
    return { totalMs: s.reduce((a, b) => a + b, 0), worstSecondMs: s.reduce((a, b) => Math.max(a, b), 0), secondsWithSteal: s.filter((x) => x > 0).length };
  }

  eventLoop(): { p99Ms: number; maxMs: number } {
    return { p99Ms: this.#loop.percentile(99) / 1e6, maxMs: this.#loop.max / 1e6 };
  }

  gc(): { count: number; maxMs: number; totalMs: number } {
    return { count: this.#gcCount, maxMs: this.#gcMaxMs, totalMs: this.#gcTotalMs };
  }

  #poll(): void {
    const m = this.#mixer.metrics();
    this.#last = m;
    this.#polls++;
    const now = { cycles: m.cycles, lateSum: m.lateUs.mean * m.cycles, cycleSum: m.cycleUs.mean * m.cycles };
    const prev = this.#prev;
    this.#prev = now;
    if (this.elapsedMs() >= this.#worstFromMs) {
      this.#worstLate = Math.max(this.#worstLate, m.lateUs.max);
      this.#worstCycle = Math.max(this.#worstCycle, m.cycleUs.max);
    }
    if (prev === null || now.cycles === prev.cycles || this.#n >= this.#late.length) return;
    const cycles = now.cycles - prev.cycles;
    this.#late[this.#n] = (now.lateSum - prev.lateSum) / cycles;
    this.#cycle[this.#n] = (now.cycleSum - prev.cycleSum) / cycles;
    this.#n++;
  }

  #memory(): void {
    if (this.#rssN >= this.#rss.length) return;
    const mem = process.memoryUsage();
    this.#rssT[this.#rssN] = this.elapsedMs();
    this.#rss[this.#rssN] = mem.rss;
    this.#heapTotal[this.#rssN] = mem.heapTotal;
    this.#heap[this.#rssN] = mem.heapUsed;
    const steal = stealMs();
    this.#steal[this.#rssN] = steal - this.#stealAt;
    this.#stealAt = steal;
    this.#rssN++;
  }
}
