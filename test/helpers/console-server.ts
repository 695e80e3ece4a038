/**
 * The browser console example (examples/console/server.js) as a child process, the way a user
 * runs it: on a free port, its URL read from the line it prints, its output kept for checks (no
 * secret may appear there). Waits are conditions with hang guards, never sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { stopProcess } from './servers';

const SERVER = path.join(__dirname, '..', '..', 'examples', 'console', 'server.js');

export interface ConsoleServer {
  url: string;
  proc: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** GET a JSON endpoint (`/metrics.json`, `/state.json`). */
  json<T = any>(pathname: string): Promise<T>;
  stop(): Promise<void>;
}

/** Polls an async condition until it holds; fails after `timeoutMs` (a hang guard, not a timing check). */
export async function until(cond: () => Promise<boolean> | boolean, what: string, timeoutMs = 30000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startConsole(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ConsoleServer> {
  const proc = spawn(process.execPath, [SERVER, '--port', '0', ...args], {
    env: { ...process.env, RINGMIX_ICECAST_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let url = '';
  await until(() => {
    if (proc.exitCode !== null) throw new Error(`the console exited during start-up: ${out}`);
    url = /^ringmix console: (http:\/\/\S+\/)$/m.exec(out)?.[1] ?? '';
    return url !== '';
  }, 'the console to print its URL');
  return {
    url,
    proc,
    output: () => out,
    json: async <T,>(pathname: string): Promise<T> => {
      const res = await fetch(new URL(pathname, url));
      if (!res.ok) throw new Error(`GET ${pathname}: ${res.status}`);
      return (await res.json()) as T;
    },
    stop: () => stopProcess(proc, 20000),
  };
}
