/**
 * The CPU hog: a busy child process on the machine's last core, standing for the other work a
 * real host runs. The engine does not pin its clock thread (the scheduler places it), so the hog
 * cannot avoid "the mixer's core"; it takes one core and leaves the other to whatever the
 * scheduler puts there. It runs in the normal class: the mix's SCHED_FIFO threads preempt it
 * wherever they run, and everything else of ours competes with it fairly.
 */
import fs from 'node:fs';
import os from 'node:os';
import { canPin, Witness, type Freeze } from './freezes';

export interface Hog {
  /** The core it is pinned to (null: taskset missing, unpinned). */
  readonly cpu: number | null;
  /** The CPU time it got over its lifetime, as a fraction of one core (about 1 when busy). */
  busyFraction(): number;
  /** What it witnessed of the machine's freezes on its core (freezes.ts). */
  freezes(): readonly Freeze[];
  stop(): Promise<void>;
}

/** utime + stime of a process, in seconds (/proc/PID/stat). */
function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

export function startHog(): Hog {
  const cpu = os.availableParallelism() - 1;
  const pinned = canPin();
  // The busy loop is a freeze witness's (freeze-witness.js): a few µs of bookkeeping a millisecond.
  const witness = new Witness(pinned ? cpu : null, 'busy');
  const pid = witness.child.pid!;
  const kill = (): void => void witness.child.kill('SIGKILL');
  process.once('exit', kill); // never leave a busy process behind
  const started = performance.now();
  let cpuAtStop = Number.NaN;
  let wallAtStop = Number.NaN;
  return {
    cpu: pinned ? cpu : null,
    busyFraction: () => {
      const cpuS = Number.isNaN(cpuAtStop) ? cpuSeconds(pid) : cpuAtStop;
      const wallS = (Number.isNaN(wallAtStop) ? performance.now() : wallAtStop) - started;
      return cpuS / (wallS / 1000);
    },
    freezes: () => witness.freezes(),
    stop: async () => {
      cpuAtStop = cpuSeconds(pid);
      wallAtStop = performance.now();
      process.removeListener('exit', kill);
      await witness.stop();
    },
  };
}
