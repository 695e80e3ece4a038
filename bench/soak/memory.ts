/**
 * Memory growth: the process's RSS after warm-up against its RSS at the end, each the median of
 * the samples in a stretch of the run (a tenth of it), so that a GC's sawtooth or one odd sample
 * moves neither. Warm-up (the first 20%) is when heaps, pools and the allocator's arenas grow to
 * their working size; a leak keeps growing after it.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { SoakConfig } from './config';
import { median, round } from './stats';

export const MAX_GROWTH = 0.05;

/**
 * A full garbage collection, now. Start-up leaves tens of MB of garbage and committed heap (jest,
 * ts-jest compiling the soak, PortAudio's device scan) that V8's memory reducer would otherwise
 * give back at a moment of its own choosing, mid-run: a drop of ~30 MB of RSS (seen at 105 s of a
 * 3-minute run) that would hide 12% of growth behind it if it came after the warm-up.
 * Called once, before the clock starts (the stall it causes would otherwise be the JS side's).
 */
export function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  // 'last-resort': V8's most thorough collection, which also gives the freed pages back (a plain
  // gc() leaves the heap's pages committed for the memory reducer to release later).
  (vm.runInNewContext('gc') as (o: object) => void)({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

export interface MemoryReport {
  /** [seconds since start, RSS MB, V8 heap total MB, V8 heap used MB], one every `everyS`. */
  series: [number, number, number, number][];
  everyS: number;
  startMb: number;
  afterWarmupMb: number;
  endMb: number;
  /** endMb / afterWarmupMb - 1. */
  growth: number;
  stat: string;
}

const MB = 1024 * 1024;

export function memoryReport(
  cfg: SoakConfig,
  mem: { t: Float64Array; rss: Float64Array; heapTotal: Float64Array; heapUsed: Float64Array },
): MemoryReport {
  const tenth = cfg.durationMs / 10;
  const within = (from: number, to: number): number[] => {
    const xs: number[] = [];
    mem.t.forEach((t, i) => {
      if (t >= from && t < to) xs.push(mem.rss[i]!);
    });
    return xs;
  };
  const after = median(within(cfg.warmupMs, cfg.warmupMs + tenth));
  const end = median(within(cfg.durationMs - tenth, Number.POSITIVE_INFINITY));
  const step = Math.max(1, Math.round(cfg.rssReportEveryMs / cfg.rssEveryMs));
  const series: [number, number, number, number][] = [];
  for (let i = 0; i < mem.t.length; i += step) {
    series.push([round(mem.t[i]! / 1000, 0), round(mem.rss[i]! / MB), round(mem.heapTotal[i]! / MB), round(mem.heapUsed[i]! / MB)]);
  }
  return {
    series,
    everyS: (step * cfg.rssEveryMs) / 1000,
    startMb: round((mem.rss[0] ?? Number.NaN) / MB),
    afterWarmupMb: round(after / MB),
    endMb: round(end / MB),
    growth: round(end / after - 1, 4),
    stat: `median RSS (sampled every ${cfg.rssEveryMs / 1000} s) over ${round(cfg.warmupMs / 1000)}–${round((cfg.warmupMs + tenth) / 1000)} s (after warm-up) and over the last ${round(tenth / 1000)} s`,
  };
}
