/**
 * The soak's freeze witness (bench/soak/freeze-witness.js): time a CPU was taken from it without
 * the guest's scheduler knowing is reported; time the scheduler gave to someone else is not.
 * A stopped process stands for the first (it is not on a runqueue, so nothing accounts for the
 * time); a busy competitor on the same CPU, with the witness at the lowest priority, for the
 * second. Freezes the host itself causes meanwhile are up to ~30 ms here: the bounds below leave
 * them room.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { canPin, Witness } from '../bench/soak/freezes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CPU = os.availableParallelism() - 1;
const pinnable = process.platform === 'linux' && canPin();

/** ms the process has waited on a runqueue (schedstat's run_delay). */
function runDelayMs(pid: number): number {
  return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
}

(pinnable ? describe : describe.skip)('soak freeze witness', () => {
  let witness: Witness | null = null;
  afterEach(async () => {
    await witness?.stop();
    witness = null;
  });

  it.each(['idle', 'busy'] as const)('reports a %s CPU taken away for 150 ms as one freeze of about that', async (mode) => {
    witness = new Witness(CPU, mode);
    await sleep(500); // node started and looping
    const before = witness.freezes().length;
    // The witness is stopped from just after the first kill() to before the second: a freeze about
    // that long. Shorter by the time it waited for its CPU before it could stop (on a busy
    // machine; that wait is the scheduler's, not counted), longer by a freeze of the host's own
    // (up to ~30 ms here).
    witness.child.kill('SIGSTOP');
    const stoppedAt = performance.now();
    await sleep(150);
    const stoppedMs = performance.now() - stoppedAt;
    witness.child.kill('SIGCONT');
    await sleep(300);
    const seen = witness.freezes().slice(before).filter((f) => f.ms >= 60);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.cpu).toBe(CPU);
    expect(seen[0]!.ms).toBeGreaterThan(stoppedMs - 30);
    expect(seen[0]!.ms).toBeLessThan(stoppedMs + 50);
    expect(Math.abs(seen[0]!.atMs - stoppedAt)).toBeLessThan(60);
  });

  it('does not report time its CPU was given to a busier process', async () => {
    witness = new Witness(CPU, 'busy');
    await sleep(500);
    os.setPriority(witness.child.pid!, 19);
    const before = witness.freezes().length;
    const delayBefore = runDelayMs(witness.child.pid!);
    const rival = spawn('taskset', ['-c', String(CPU), process.execPath, '-e', 'const t = Date.now(); while (Date.now() - t < 1500);'], { stdio: 'ignore' });
    await new Promise((r) => rival.once('exit', r));
    await sleep(100);
    const waited = runDelayMs(witness.child.pid!) - delayBefore;
    // The rival really took the CPU: at nice 19 against nice 0 the witness gets ~1.5% of it.
    expect(waited).toBeGreaterThan(1000);
    const reported = witness.freezes().slice(before).reduce((a, f) => a + f.ms, 0);
    expect(reported).toBeLessThan(100);
  });
});
