/**
 * The machine's freezes, seen by witnesses outside ringmix (freeze-witness.js): one process pinned
 * to each CPU, the hog busy on its own and an idle one on every other. Each reports time that
 * passed without it running although the guest's scheduler had it running (or just woken): time
 * the host took the CPU.
 *
 * Why the soak needs them: some hypervisors take a virtual CPU away without telling the guest.
 * This project's machines (a shadow-paging hypervisor) report no steal time at all (steal.ts reads
 * 0), yet freeze a CPU for 15–30 ms every few minutes, a SCHED_FIFO thread and JACK's client with
 * it, mostly a CPU that was idle (a halted virtual CPU the host is slow to give back). The engine
 * sees such a freeze only as a late wake-up; the witnesses say whether the machine was frozen at
 * that moment, so the report can tell the host's stalls from ringmix's own. They judge nothing:
 * the verdict counts every xrun.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

export interface Freeze {
  cpu: number;
  /** ms since the soak's clock origin (the caller's performance.now() base) when it began. */
  atMs: number;
  ms: number;
}

const SCRIPT = path.join(__dirname, 'freeze-witness.js');
/** Freezes shorter than this are not reported (the host's regular ~0.04 ms ticks, timer slack). */
export const FREEZE_THRESHOLD_MS = 5;

export function canPin(): boolean {
  return spawnSync('taskset', ['--version']).status === 0;
}

/** A witness process pinned to `cpu` (null: no taskset here; it then reports whichever CPU it ran on, as -1). */
export class Witness {
  readonly cpu: number | null;
  readonly child: ChildProcess;
  readonly #freezes: Freeze[] = [];
  #partial = '';

  constructor(cpu: number | null, mode: 'busy' | 'idle') {
    this.cpu = cpu;
    const cmd = [process.execPath, SCRIPT, mode, String(FREEZE_THRESHOLD_MS)];
    // taskset execs the command: the child's pid is the witness's own.
    const [file, ...args] = cpu === null ? cmd : ['taskset', '-c', String(cpu), ...cmd];
    this.child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    // Epoch ms from the child, onto this process's performance.now() base.
    const epochToPerf = Date.now() - performance.now();
    this.child.stdout!.setEncoding('latin1').on('data', (chunk: string) => {
      const lines = (this.#partial + chunk).split('\n');
      this.#partial = lines.pop()!;
      for (const line of lines) {
        const [at, ms] = line.split(' ').map(Number);
        if (Number.isFinite(at) && Number.isFinite(ms)) this.#freezes.push({ cpu: this.cpu ?? -1, atMs: at! - epochToPerf, ms: ms! });
      }
    });
  }

  freezes(): readonly Freeze[] {
    return this.#freezes;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }
}

/** Every freeze the given witnesses (the hog among them) have seen so far. */
export function gather(witnesses: readonly { freezes(): readonly Freeze[] }[]): Freeze[] {
  return witnesses.flatMap((w) => w.freezes());
}

/** The report's summary of the freezes from `fromMs` on (performance.now() base); `toS` puts a time on the report's scale. */
export function freezeReport(all: readonly Freeze[], fromMs: number, toS: (ms: number) => number) {
  const after = all.filter((f) => f.atMs >= fromMs).sort((a, b) => a.atMs - b.atMs);
  return {
    what: `time the host took a CPU without the guest seeing it (witness processes pinned to each CPU; freezes of ${FREEZE_THRESHOLD_MS} ms or more, after start-up)`,
    count: after.length,
    longestMs: after.reduce((m, f) => Math.max(m, f.ms), 0),
    events: after.slice(0, 30).map((f) => ({ cpu: f.cpu, atS: Math.round(toS(f.atMs) * 100) / 100, ms: f.ms })),
  };
}

/** The freezes witnessed within `windowMs` of an event at `atMs` (an xrun is reported a poll or more after its cycle). */
export function freezesNear(all: readonly Freeze[], atMs: number, windowMs = 1000): Freeze[] {
  return all.filter((f) => Math.abs(f.atMs - atMs) <= windowMs);
}

/** Idle witnesses on every CPU but `except` (the hog's: it witnesses its own), killed at exit whatever happens. */
export function startIdleWitnesses(except: number | null): Witness[] {
  if (except === null || !canPin()) return [];
  const cpus = Array.from({ length: os.availableParallelism() }, (_, i) => i).filter((c) => c !== except);
  const witnesses = cpus.map((c) => new Witness(c, 'idle'));
  process.once('exit', () => witnesses.forEach((w) => w.child.kill('SIGKILL')));
  return witnesses;
}
