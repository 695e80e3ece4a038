/**
 * The CPU hog: a busy child process on the machine's last core, standing for the other work a
 * real host runs. The engine does not pin its clock thread (the scheduler places it), so the hog
 * cannot avoid "the mixer's core"; it takes one core and leaves the other to whatever the
 * scheduler puts there. It runs in the normal class: the mix's SCHED_FIFO threads preempt it
 * wherever they run, and everything else of ours competes with it fairly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export interface Hog {
  /** The core it is pinned to (null: taskset missing, unpinned). */
  readonly cpu: number | null;
  /** The CPU time it got over its lifetime, as a fraction of one core (about 1 when busy). */
  busyFraction(): number;
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
  const cpus = os.availableParallelism();
  const cpu = cpus - 1;
  const busy = [process.execPath, '-e', 'for (;;) {}'];
  const pinned = spawnSync('taskset', ['--version']).status === 0;
  // taskset execs the command: the child's pid is the busy node's own.
  const child: ChildProcess = pinned
    ? spawn('taskset', ['-c', String(cpu), ...busy], { stdio: 'ignore' })
    : spawn(busy[0]!, busy.slice(1), { stdio: 'ignore' });
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill); // never leave a busy process behind
  const started = performance.now();
  let cpuAtStop = Number.NaN;
  let wallAtStop = Number.NaN;
  return {
    cpu: pinned ? cpu : null,
    busyFraction: () => {
      const cpuS = Number.isNaN(cpuAtStop) ? cpuSeconds(child.pid!) : cpuAtStop;
      const wallS = (Number.isNaN(wallAtStop) ? performance.now() : wallAtStop) - started;
      return cpuS / (wallS / 1000);
    },
    stop: async () => {
      cpuAtStop = cpuSeconds(child.pid!);
      wallAtStop = performance.now();
      process.removeListener('exit', kill);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
