/**
 * A real Icecast (Debian's icecast2) started privately for one test file: its own temporary
 * directory, configuration, logs and port on 127.0.0.1. Start-up is awaited by polling its status
 * page, never by sleeping. Icecast refuses to run as root, so under root the configuration tells
 * it to drop to the package's `icecast2` user (`<changeowner>`), and the directory it writes to
 * belongs to that user.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** One mount point's entry in /status-json.xsl (fields appear only once Icecast knows them). */
export interface IcecastSourceStatus {
  listenurl: string;
  listeners: number;
  server_name?: string;
  server_description?: string;
  server_type?: string;
  genre?: string;
  title?: string;
  bitrate?: number | string;
  audio_info?: string;
  [field: string]: unknown;
}

/** /status-json.xsl, parsed, with `sources` always an array (Icecast gives one source as an object, several as an array). */
export interface IcecastStatusPage {
  server_id: string;
  sources: IcecastSourceStatus[];
  [field: string]: unknown;
}

export interface IcecastServer {
  readonly port: number;
  /** `http://127.0.0.1:port/mount` (no credentials). */
  url(mount: string): string;
  status(): Promise<IcecastStatusPage>;
  /** The mounts with a source connected. */
  sources(): Promise<IcecastSourceStatus[]>;
  /** One mount's entry, if a source is connected there. */
  source(mount: string): Promise<IcecastSourceStatus | undefined>;
  /** Downloads the stream as a listener for `seconds`. */
  listen(mount: string, seconds: number): Promise<Buffer>;
  /** Icecast's access log (one line per finished request, source logins included). */
  accessLog(): string;
  /** SIGKILL: the server vanishes without closing anything itself. */
  kill(): Promise<void>;
  /** Starts the server again on the same port, with the same configuration. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface IcecastConfig {
  sourcePassword: string;
  adminPassword: string;
}

class NoAnswer extends Error {}

/** One listener: `seconds` of the mount's bytes from its response on; NoAnswer if none in `answerMs`. */
function listenOnce(port: number, mount: string, seconds: number, answerMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const req = http.get({ host: '127.0.0.1', port, path: mount, agent: false }, (res) => {
      clearTimeout(noAnswer);
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`listening to ${mount}: ${res.statusCode}`));
        return;
      }
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('error', () => undefined); // the end this listener chose: 'close' resolves
      res.on('close', () => resolve(Buffer.concat(chunks)));
      setTimeout(() => req.destroy(), seconds * 1000);
    });
    const noAnswer = setTimeout(() => {
      req.destroy();
      reject(new NoAnswer(`listening to ${mount}: no answer from the server in ${answerMs} ms`));
    }, answerMs);
    req.on('error', (err) => {
      clearTimeout(noAnswer);
      if (chunks.length > 0) resolve(Buffer.concat(chunks));
      else reject(err);
    });
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function config(dir: string, port: number, cfg: IcecastConfig, asRoot: boolean): string {
  return `<icecast>
  <location>ringmix tests</location><admin>test@localhost</admin><hostname>127.0.0.1</hostname>
  <limits>
    <clients>50</clients><sources>10</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout><source-timeout>10</source-timeout>
    <burst-on-connect>0</burst-on-connect><burst-size>0</burst-size>
  </limits>
  <authentication>
    <source-password>${xml(cfg.sourcePassword)}</source-password>
    <admin-user>admin</admin-user><admin-password>${xml(cfg.adminPassword)}</admin-password>
  </authentication>
  <listen-socket><port>${port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir><webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
    <logdir>${dir}/log</logdir><pidfile>${dir}/icecast.pid</pidfile>
  </paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel></logging>
  <security><chroot>0</chroot>${asRoot ? '<changeowner><user>icecast2</user><group>icecast</group></changeowner>' : ''}</security>
</icecast>
`;
}

function get(port: number, pathname: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function status(port: number): Promise<IcecastStatusPage> {
  const r = await get(port, '/status-json.xsl');
  if (r.status !== 200) throw new Error(`status-json.xsl answered ${r.status}`);
  let parsed: { icestats: { server_id: string; source?: IcecastSourceStatus | IcecastSourceStatus[] } };
  try {
    parsed = JSON.parse(r.body) as typeof parsed;
  } catch {
    throw new Error(`status-json.xsl is not JSON: ${r.body}`);
  }
  const { source, ...rest } = parsed.icestats;
  return { ...rest, sources: source === undefined ? [] : Array.isArray(source) ? source : [source] };
}

function stopped(p: ChildProcess): boolean {
  return p.exitCode !== null || p.signalCode !== null;
}

async function waitExit(p: ChildProcess): Promise<void> {
  if (!stopped(p)) await new Promise((r) => p.once('exit', r));
}

export async function startIcecast(cfg: IcecastConfig): Promise<IcecastServer> {
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringmix-icecast-'));
  fs.mkdirSync(path.join(dir, 'log'));
  const port = await freePort();
  const configPath = path.join(dir, 'icecast.xml');
  fs.writeFileSync(configPath, config(dir, port, cfg, asRoot));
  if (asRoot) {
    // icecast2 drops to its own user before it opens its logs and pid file: they live here.
    fs.chmodSync(dir, 0o755);
    const r = spawnSync('chown', ['-R', 'icecast2:icecast', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`chown icecast2:icecast ${dir}: ${r.stderr}`);
  }

  let proc: ChildProcess | null = null;
  const killOnExit = (): void => void proc?.kill('SIGKILL');
  process.once('exit', killOnExit); // never leave a server behind, even when the test process dies

  async function launch(): Promise<void> {
    let output = '';
    const p = spawn('icecast2', ['-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    p.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const start = Date.now();
    for (;;) {
      if (stopped(p)) throw new Error(`icecast2 exited during start-up: ${output}`);
      try {
        // Right after start-up Icecast serves the page before its global stats exist, and the
        // XSL then writes broken JSON ({"icestats":"server_start":...): wait for the real thing.
        const r = await get(port, '/status-json.xsl', 1000);
        if (r.status === 200 && (JSON.parse(r.body) as { icestats: { server_id?: string } }).icestats.server_id) return;
      } catch {
        // not listening yet, or not ready
      }
      if (Date.now() - start > 20000) {
        p.kill('SIGKILL');
        throw new Error(`icecast2 did not answer on port ${port} within 20 s: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  await launch();
  return {
    port,
    url: (mount) => `http://127.0.0.1:${port}${mount}`,
    status: () => status(port),
    sources: async () => (await status(port)).sources,
    source: async (mount) => (await status(port)).sources.find((s) => new URL(s.listenurl).pathname === mount),
    listen: async (mount, seconds) => {
      // A listener the server has not answered within 10 s asks again (twice at most), as a
      // player would: once, in CI on a busy machine, an Ogg mount's listener waited for its
      // response until the test timed out, with no sign of which side held it.
      for (let attempt = 1; ; attempt++) {
        try {
          return await listenOnce(port, mount, seconds, 10_000);
        } catch (err) {
          if (!(err instanceof NoAnswer) || attempt === 3) throw err;
          console.warn(`${(err as Error).message}; asking again`);
        }
      }
    },
    accessLog: () => {
      try {
        return fs.readFileSync(path.join(dir, 'log', 'access.log'), 'utf8');
      } catch {
        return '';
      }
    },
    kill: async () => {
      if (proc === null) return;
      proc.kill('SIGKILL');
      await waitExit(proc);
    },
    restart: async () => {
      if (proc !== null && !stopped(proc)) throw new Error('restart() needs the server stopped or killed first');
      await launch();
    },
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (proc !== null && !stopped(proc)) {
        const p = proc;
        p.kill('SIGTERM');
        const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
        await waitExit(p);
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
