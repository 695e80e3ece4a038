/**
 * The hypervisor's steal time (/proc/stat): how long this virtual machine's CPUs were runnable but
 * not running because the host ran something else. No priority inside the guest helps against it:
 * a SCHED_FIFO thread on a stolen CPU waits like any other. The soak reports it beside its xruns,
 * so that one can be told from an engine problem. Not every hypervisor reports it: this project's
 * reads 0 while it freezes CPUs for tens of ms, which the freeze witnesses (freezes.ts) measure.
 */
import fs from 'node:fs';

/** Steal time summed over all CPUs since boot, in ms (NaN where /proc/stat has no such field). */
export function stealMs(): number {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
    return (Number(cpu[8]) * 1000) / 100; // USER_HZ ticks
  } catch {
    return Number.NaN;
  }
}
