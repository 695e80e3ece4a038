/** Runs a Node script in a child process (its own environment, its own PortAudio state). */
import { spawn } from 'node:child_process';

export interface ChildResult {
  /** Exit code; null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  /** True when it printed nothing for `idleTimeoutMs` and was killed (a hang guard, not a timing check). */
  idle: boolean;
}

export function runNode(
  code: string,
  env: NodeJS.ProcessEnv = {},
  opts: { idleTimeoutMs?: number } = {},
): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', code], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let idle = false;
    let timer: NodeJS.Timeout | undefined;
    const watch = () => {
      if (opts.idleTimeoutMs === undefined) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        child.kill('SIGKILL');
      }, opts.idleTimeoutMs);
    };
    watch();
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      watch();
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (exit, signal) => {
      clearTimeout(timer);
      resolve({ code: exit, signal, out, err, idle });
    });
  });
}
