/**
 * The published package as a user gets it: `npm run prebuild`, `npm pack`, then `npm install` of the
 * tarball into an empty project with a PATH holding only node, npm and sh (no compiler, no cmake), and
 * apps using it through require() and import, type-checked in both module systems.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { channel, toneDb } from './helpers/audio';
import { decode } from './helpers/decode';

const root = path.join(__dirname, '..');
const fixtures = path.join(__dirname, 'packaging');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
const sampleRate = 48000;

let work: string;
let app: string;
let bare: NodeJS.ProcessEnv; // PATH: node, npm and sh only
let tarball: string;
let packed: string[];

// Child processes here run without the real-time guard (npm is not ours to police); the apps
// get it back where they run the mixer.
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete e.LD_PRELOAD;
  return e;
}

function run(cmd: string, args: string[], cwd: string, e: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env: e, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Runs an app in the installed project with the real-time guard, and returns its JSON line. */
function runApp(args: string[], extra: NodeJS.ProcessEnv = {}): Record<string, unknown> {
  const r = run(process.execPath, args, app, { ...bare, LD_PRELOAD: process.env.LD_PRELOAD, ...extra });
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ringmix-pack-'));
  run('npm', ['run', '--silent', 'prebuild'], root, env());
  // --ignore-scripts: pack dist/ as built (the suite runs against it), without rebuilding it
  // under the other test files' feet.
  const out = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root, env()).stdout;
  const info = (JSON.parse(out) as { filename: string; files: { path: string }[] }[])[0]!;
  tarball = path.join(work, info.filename);
  packed = info.files.map((f) => f.path);

  const bin = path.join(work, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  fs.symlinkSync(fs.realpathSync('/bin/sh'), path.join(bin, 'sh')); // npm runs install scripts with it
  fs.symlinkSync(fs.realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim()), path.join(bin, 'npm'));
  bare = env({ PATH: bin });
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  const t0 = Date.now();
  run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], app, bare);
  // Reported, not asserted (a figure for the "takes seconds"): from the npm cache here.
  console.log(`npm install of the tarball: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  for (const f of fs.readdirSync(fixtures)) fs.copyFileSync(path.join(fixtures, f), path.join(app, f));
  // The TypeScript consumer once more as an ES module: the same code, resolved through the import
  // condition (and an ES module names the internal file it tries with its extension).
  const cts = fs.readFileSync(path.join(fixtures, 'consumer.cts'), 'utf8');
  fs.writeFileSync(
    path.join(app, 'consumer.mts'),
    cts.replace('as CommonJS (require condition: dist/index.d.ts)', 'as an ES module (import condition: dist/index.d.mts)')
      .replace("'ringmix/dist/mixer'", "'ringmix/dist/mixer.js'"),
  );
}, 600_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

it('packs the prebuilt binary, both entry points and the sources to build from, and nothing else', () => {
  expect(packed).toEqual(expect.arrayContaining([
    `prebuilds/${process.platform}-${process.arch}/ringmix.glibc.node`,
    'dist/index.js', 'dist/index.d.ts', 'dist/index.mjs', 'dist/index.d.mts',
    'CMakeLists.txt', 'scripts/install.js', 'binding/engine/control/engine.cpp',
  ]));
  expect(packed.filter((f) => /^(test|bench|build|node_modules|lib)\//.test(f))).toEqual([]);
});

it('installs with no compiler or cmake on the PATH, compiling nothing', () => {
  const found = spawnSync('/bin/sh', ['-c', 'command -v cc gcc g++ c++ clang cmake make ninja'], { env: bare, encoding: 'utf8' });
  expect(found.stdout).toBe('');
  const installed = path.join(app, 'node_modules', 'ringmix');
  expect(fs.existsSync(path.join(installed, 'build'))).toBe(false);
  // Building from source would need these; an install from the prebuilt binary does not fetch them.
  expect(fs.existsSync(path.join(app, 'node_modules', 'cmake-js'))).toBe(false);
  expect(fs.existsSync(path.join(app, 'node_modules', 'node-addon-api'))).toBe(false);
});

it('the installed addon needs nothing at load time beyond the C library', () => {
  const addon = path.join(app, 'node_modules', 'ringmix', 'prebuilds', `${process.platform}-${process.arch}`, 'ringmix.glibc.node');
  const libs = execFileSync('ldd', [addon], { encoding: 'utf8', env: env() })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0]!);
  expect(libs.length).toBeGreaterThan(0);
  const cRuntime = /^(linux-vdso|libc|libm|libdl|libpthread|librt)\.so|^\/lib\w*\/ld-linux[-\w.]*\.so/;
  expect(libs.filter((l) => !cRuntime.test(l))).toEqual([]);
});

it('an app using require() mixes on the virtual clock into a tap and a recording', () => {
  const recording = path.join(work, 'cjs.flac');
  const out = runApp(['consumer.cjs', recording]);
  expect(out.version).toBe(pkg.version);
  // The addon came from the package's prebuilt binary.
  expect(out.addon).toBe(path.join(app, 'node_modules', 'ringmix', 'prebuilds', `${process.platform}-${process.arch}`, 'ringmix.glibc.node'));
  expect(out.tapLost).toBe(0);
  expect(out.tapFrames as number).toBeGreaterThanOrEqual(sampleRate);
  expect(out.recordedFrames as number).toBeGreaterThanOrEqual(sampleRate / 2);

  // Both hear the three tones at their level (-20 dBFS each, centred: unity on both channels).
  const tapped = new Float32Array(new Uint8Array(fs.readFileSync(`${recording}.f32`)).buffer);
  const recorded = decode(recording, 2);
  expect(recorded.length / 2).toBe(out.recordedFrames);
  for (const audio of [tapped, recorded]) {
    const steady = audio.subarray(2 * (sampleRate / 10), 2 * (sampleRate / 2)); // after the onset
    for (const f of [440, 1000, 2500]) {
      expect(toneDb(channel(steady, 2, 0), sampleRate, f)).toBeCloseTo(-20, 0);
      expect(toneDb(channel(steady, 2, 1), sampleRate, f)).toBeCloseTo(-20, 0);
    }
  }
});

it('an app using import gets the same module, its errors, and no internals', () => {
  const out = runApp(['consumer.mjs']);
  expect(out).toMatchObject({
    version: pkg.version,
    sameMixer: true,
    frames: sampleRate / 2,
    internal: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    closed: { code: 'ERR_CLOSED', isRingmixError: true, sameClass: true },
    badOption: { code: 'ERR_OUT_OF_RANGE', isRangeError: true },
  });
  expect(out.peakDb as number).toBeCloseTo(-12, 1);
  // require() of an internal file fails the same way.
  const r = spawnSync(process.execPath, ['-e', "require('ringmix/dist/mixer')"], { cwd: app, env: bare, encoding: 'utf8' });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
});

it("runs the package's own examples from where npm installed them", () => {
  // examples/ is published; its programs require('ringmix'), which resolves to the installed package.
  const file = path.join(work, 'example.wav');
  const example = path.join(app, 'node_modules', 'ringmix', 'examples', 'generators-to-file.js');
  run(process.execPath, [example, '--out', file, '--seconds', '2'], app, { ...bare, LD_PRELOAD: process.env.LD_PRELOAD });
  const audio = decode(file, 2);
  expect(audio.length / 2).toBe(2 * sampleRate);
  const steady = audio.subarray(2 * (sampleRate / 2), 2 * sampleRate); // whole cycles of both tones
  expect(toneDb(channel(steady, 2, 0), sampleRate, 440)).toBeCloseTo(-12, 1);
  expect(toneDb(channel(steady, 2, 1), sampleRate, 1000)).toBeCloseTo(-18, 1);
});

it('with PortAudio missing, device calls fail with ERR_NO_AUDIO_BACKEND and mixing works', () => {
  const script = `
    const { Mixer, listDevices } = require('ringmix');
    const out = {};
    try { listDevices(); out.list = 'listed'; } catch (e) { out.list = e.code; }
    try { new Mixer({ clock: { output: 'default' } }); } catch (e) { out.clock = e.code; }
    const m = new Mixer({ clock: 'simulated' });
    m.addInput({ source: { generator: 'sine', levelDb: -6 } });
    m.advance(4800);
    out.peak = m.metrics().master.peakDb[0];
    console.log(JSON.stringify(out));
  `;
  const out = runApp(['-e', script], { RINGMIX_PORTAUDIO_LIBRARY: path.join(work, 'no-libportaudio.so') });
  expect(out).toMatchObject({ list: 'ERR_NO_AUDIO_BACKEND', clock: 'ERR_NO_AUDIO_BACKEND' });
  expect(out.peak as number).toBeCloseTo(-6, 2);
});

it('TypeScript apps get the full types as CommonJS and as an ES module', () => {
  // consumer.cts and its ES module copy resolve 'ringmix' through the require and import conditions;
  // their @ts-expect-error lines fail the check if the types were `any` or internals resolved.
  const config = JSON.parse(fs.readFileSync(path.join(app, 'tsconfig.consumer.json'), 'utf8')) as {
    compilerOptions: Record<string, unknown>;
  };
  config.compilerOptions.typeRoots = [path.join(root, 'node_modules', '@types')];
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(config));
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--listFiles'], { cwd: app, env: bare, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout).not.toMatch(/error TS/);
  expect(r.status).toBe(0);
  // Each mode read its own declarations from the installed package.
  const installed = path.join(app, 'node_modules', 'ringmix', 'dist');
  expect(r.stdout).toContain(path.join(installed, 'index.d.ts'));
  expect(r.stdout).toContain(path.join(installed, 'index.d.mts'));
});
