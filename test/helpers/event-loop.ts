/**
 * How long a call keeps the event loop from running other work: the synchronous part (the time the
 * call itself takes) and, for a call that returns a promise, the longest delay the event loop saw
 * while it was pending. Reported by the tests, not asserted: timing goals live in bench/.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopBlock {
  /** The synchronous part, in milliseconds. */
  syncMs: number;
  /** The longest event-loop delay while the returned promise was pending (0 for a plain value). */
  maxDelayMs: number;
  /** From the call to its settling, in milliseconds. */
  totalMs: number;
}

export async function measureLoopBlock(fn: () => unknown): Promise<LoopBlock> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const start = performance.now();
  const result = fn();
  const syncMs = performance.now() - start;
  if (!(result instanceof Promise)) return { syncMs, maxDelayMs: 0, totalMs: syncMs };
  histogram.enable();
  try {
    await result;
  } finally {
    histogram.disable();
  }
  // The histogram's floor is its resolution (1 ms): subtract it so an idle loop reads ~0.
  const maxDelayMs = Math.max(0, histogram.max / 1e6 - 1);
  return { syncMs, maxDelayMs, totalMs: performance.now() - start };
}

/** Child-process variant, as source text for scripts run with runNode (no imports there). */
export const measureLoopBlockSource = `
  const { monitorEventLoopDelay } = require('node:perf_hooks');
  async function measureLoopBlock(fn) {
    const h = monitorEventLoopDelay({ resolution: 1 });
    const start = performance.now();
    const result = fn();
    const syncMs = performance.now() - start;
    if (!(result instanceof Promise)) return { syncMs, maxDelayMs: 0, totalMs: syncMs };
    h.enable();
    try { await result; } finally { h.disable(); }
    return { syncMs, maxDelayMs: Math.max(0, h.max / 1e6 - 1), totalMs: performance.now() - start };
  }
`;
