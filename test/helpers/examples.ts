/**
 * Runs a program of examples/ as a user who installed ringmix would: its own process, its own
 * working directory, `require('ringmix')` resolved to this checkout (the only change made to it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildResult } from './child';

const root = path.join(__dirname, '..', '..');

export interface ExampleRun {
  child: ChildProcess;
  /** What it printed so far (stdout). */
  out(): string;
  /** Resolves when it exits. */
  done: Promise<ChildResult>;
}

/** Starts `examples/<name>` with `args` in `cwd` (where the copy is written and its files go). */
export function startExample(name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): ExampleRun {
  const source = fs.readFileSync(path.join(root, 'examples', name), 'utf8');
  if (!source.includes("require('ringmix')")) throw new Error(`examples/${name} does not require('ringmix')`);
  const file = path.join(cwd, name);
  fs.writeFileSync(file, source.replace("require('ringmix')", `require(${JSON.stringify(root)})`));
  const child = spawn(process.execPath, [file, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<ChildResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, out, err, idle: false }));
  });
  return { child, out: () => out, done };
}

/** Runs `examples/<name>` to its end. */
export function runExample(name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<ChildResult> {
  return startExample(name, args, cwd, env).done;
}

/** A fresh working directory for each test of the calling file (removed after it): examples write there. */
export function directoryPerTest(): () => string {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringmix-examples-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}
