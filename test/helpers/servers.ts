/**
 * Real audio servers for the device tests: JACK with its dummy driver and PulseAudio with a null
 * sink, each started privately for one test file (its own server name or runtime directory) and
 * stopped afterwards. Start-up is awaited by polling the server's own tools, never by sleeping.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

async function until(cond: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** SIGTERM, then SIGKILL after `graceMs` if it has not exited; resolves once it has. */
export async function stopProcess(p: ChildProcess, graceMs = 5000): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface JackServer {
  name: string;
  /** Port names of a client (e.g. 'ringmix'), from jack_lsp. */
  ports(prefix: string): string[];
  connect(from: string, to: string): void;
  disconnect(from: string, to: string): void;
  /**
   * The xruns jackd reported so far, from its own messages: periods its driver thread woke too
   * late for ("JackTimedDriver::Process XRun"), and a client's process callback not finished in
   * time ("JackEngine::XRun: client = ... was not finished").
   */
  xruns(): { driverLate: number; clientLate: number };
  /** Freezes the server (SIGSTOP) for `ms`, as a machine that stalls would, then lets it go on. */
  freeze(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** Fails early, with the reason, when the test runner did not set up a private server name. */
function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the device tests through npm test (scripts/test-js.sh)`);
  return v;
}

export interface JackOptions {
  /**
   * Real-time scheduling for jackd and its clients' process threads (SCHED_FIFO, needs root or an
   * rtprio limit), as a production JACK runs. Default false: the tests' servers need no privilege,
   * and a test that misses a period on a busy machine only waits for the next one.
   */
  realtime?: boolean;
}

/**
 * jackd with the dummy driver under the private server name scripts/test-js.sh (or
 * scripts/soak.sh) put in JACK_DEFAULT_SERVER, which this process's JACK clients (PortAudio's JACK
 * host API) use.
 */
export async function startJack(
  sampleRate = 48000,
  period = 256,
  name = requireEnv('JACK_DEFAULT_SERVER'),
  options: JackOptions = {},
): Promise<JackServer> {
  const env = { ...process.env, JACK_DEFAULT_SERVER: name, JACK_NO_AUDIO_RESERVATION: '1' };
  const rt = options.realtime ? ['--realtime'] : ['--no-realtime'];
  const proc = spawn('jackd', ['-n', name, ...rt, '-d', 'dummy', '-r', String(sampleRate), '-p', String(period)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const xruns = { driverLate: 0, clientLate: 0 };
  for (const out of [proc.stdout, proc.stderr]) {
    let carry = '';
    out.on('data', (d: Buffer) => {
      const lines = (carry + d.toString()).split('\n');
      carry = lines.pop()!;
      for (const line of lines) {
        if (/Driver::Process XRun/.test(line)) xruns.driverLate++;
        else if (/JackEngine::XRun/.test(line)) xruns.clientLate++;
      }
    });
  }
  let exited = false;
  proc.once('exit', () => (exited = true));
  await until(() => exited || run('jack_lsp', [], env).ok, 'jackd to accept clients');
  if (exited) throw new Error('jackd exited during start-up');
  return {
    name,
    ports: (prefix) =>
      run('jack_lsp', [], env)
        .out.split('\n')
        .map((l) => l.trim())
        .filter((l) => l.startsWith(prefix)),
    connect: (from, to) => {
      const r = run('jack_connect', [from, to], env);
      if (!r.ok) throw new Error(`jack_connect ${from} ${to}: ${r.out}`);
    },
    disconnect: (from, to) => {
      run('jack_disconnect', [from, to], env);
    },
    xruns: () => ({ ...xruns }),
    freeze: async (ms) => {
      proc.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, ms));
      proc.kill('SIGCONT');
    },
    stop: () => stopProcess(proc),
  };
}

export interface PulseServer {
  stop(): Promise<void>;
}

/**
 * A PulseAudio daemon in the private runtime directory scripts/test-js.sh put in
 * PULSE_RUNTIME_PATH, with a null sink as the default sink and its monitor as the default source,
 * so what is played comes back as capture. This process's ALSA 'pulse' device (PortAudio's ALSA
 * host API) reaches it there.
 */
export async function startPulse(sampleRate = 48000): Promise<PulseServer> {
  requireEnv('PULSE_RUNTIME_PATH'); // the daemon and PortAudio's ALSA plugin both find it there
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'ringmix-pulse-state-'));
  const env = { ...process.env, PULSE_STATE_PATH: state, HOME: state };
  const proc = spawn(
    'pulseaudio',
    [
      '-n',
      '--daemonize=no',
      '--exit-idle-time=-1',
      '--use-pid-file=no',
      '--disable-shm=yes',
      '-L',
      `module-null-sink sink_name=ringmix_null rate=${sampleRate} channels=2`,
      '-L',
      'module-native-protocol-unix',
      '-L',
      'module-always-sink',
    ],
    { env, stdio: 'ignore' },
  );
  let exited = false;
  proc.once('exit', () => (exited = true));
  await until(() => exited || run('pactl', ['info'], env).ok, 'pulseaudio to accept clients');
  if (exited) throw new Error('pulseaudio exited during start-up');
  for (const args of [
    ['set-default-sink', 'ringmix_null'],
    ['set-default-source', 'ringmix_null.monitor'],
  ]) {
    const r = run('pactl', args, env);
    if (!r.ok) throw new Error(`pactl ${args.join(' ')}: ${r.out}`);
  }
  return {
    stop: async () => {
      await stopProcess(proc);
      fs.rmSync(state, { recursive: true, force: true });
    },
  };
}
