/**
 * The soak's settings. scripts/soak.sh turns `--minutes N` / `--quick` / `--period N` into
 * RINGMIX_SOAK_* variables (jest owns the command line); everything else is fixed, so that two runs of the same length are
 * the same test.
 */
export interface SoakConfig {
  minutes: number;
  quick: boolean;
  /** From the mixer's start to the end of the measurement. */
  durationMs: number;
  /** RSS before this point is start-up (modules, heaps and pools growing to their working size). */
  warmupMs: number;
  sampleRate: number;
  /**
   * The mixer's period and JACK's (`--period N`). Default 2048 (42.7 ms): this project's machines
   * are virtual, and their hypervisor takes a CPU away for 5–10 ms one to three times a minute and
   * for 15–30 ms a few times in ten minutes, unreported (freezes.ts measures it), which no
   * scheduling inside can prevent. At 1024 frames (21.3 ms) the long ones alone are xruns: three of
   * four 10-minute runs had exactly one, each a wake-up 21–29 ms late while JACK's own client
   * missed its period too. 2048 rides over them with room, so a failure means ringmix, not the
   * host. On real hardware, run it at 256 or less.
   */
  periodFrames: number;
  /** jackd in real-time mode (needs root here): a JACK server in the normal class misses periods on a busy machine. */
  jackRealtime: boolean;
  /** A UI meter's rate. */
  pollHz: number;
  rssEveryMs: number;
  /** The RSS series in the report: one sample per this many ms. */
  rssReportEveryMs: number;
  progressEveryMs: number;
  /**
   * How far ahead of the mix the JS push inputs are fed: their jitter buffer, as a network
   * source's would be. It must ride over the event loop's stalls: GC pauses up to ~45 ms, and up
   * to ~80 ms when the hypervisor takes the CPUs (measured in 3-minute runs); a stall longer than
   * the lead less a period is an underrun, and fails the soak.
   */
  pushLeadMs: number;
  pushEveryMs: number;
  tapEveryMs: number;
  /** Longest the start-up (every clock locked, the stream on air) may take before the soak gives up. */
  readyTimeoutMs: number;
}

export function soakConfig(env: NodeJS.ProcessEnv = process.env): SoakConfig {
  const quick = env.RINGMIX_SOAK_QUICK === '1';
  const minutes = quick ? 1 : Number(env.RINGMIX_SOAK_MINUTES ?? '10');
  if (!(minutes > 0 && minutes <= 24 * 60)) throw new Error(`soak: minutes must be in (0, 1440], got ${env.RINGMIX_SOAK_MINUTES}`);
  const durationMs = Math.round(minutes * 60000);
  const periodFrames = Number(env.RINGMIX_SOAK_PERIOD ?? '2048');
  if (!(Number.isInteger(periodFrames) && periodFrames >= 16 && periodFrames <= 4096)) {
    throw new Error(`soak: the period must be a whole number of frames, 16–4096, got ${env.RINGMIX_SOAK_PERIOD}`);
  }
  return {
    minutes,
    quick,
    durationMs,
    warmupMs: Math.round(0.2 * durationMs),
    sampleRate: 48000,
    periodFrames,
    jackRealtime: process.getuid?.() === 0,
    pollHz: 60,
    rssEveryMs: 1000,
    rssReportEveryMs: 5000,
    progressEveryMs: quick ? 10000 : 30000,
    pushLeadMs: 200,
    pushEveryMs: 10,
    tapEveryMs: 20,
    readyTimeoutMs: 20000,
  };
}
