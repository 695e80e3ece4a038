/**
 * The Windows build compiles: scripts/check-windows.sh runs Debian's mingw-w64 cross compiler
 * (-fsyntax-only) over every source the Windows addon is built from, the platform layer's
 * *_windows.cpp files included, and none of another system's (*_posix.cpp, *_macos.cpp). The
 * script installs the compiler when it is missing (scripts/setup.sh installs it too); this file is
 * skipped only where it cannot be installed (no compiler, and no apt-get run as root or by sudo).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..');
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const rootUser = typeof process.getuid === 'function' && process.getuid() === 0;
const available = has('x86_64-w64-mingw32-g++-posix') || (has('apt-get') && (rootUser || has('sudo')));
if (!available) console.warn('platform-windows: skipped, the mingw-w64 cross compiler is missing and cannot be installed here');

const platformDir = path.join(root, 'binding', 'platform');

(available ? it : it.skip)(
  'every Windows source compiles with mingw-w64, and no other system\'s',
  () => {
    let out: string;
    try {
      out = execFileSync('bash', [path.join(root, 'scripts', 'check-windows.sh')], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      throw new Error(`check-windows.sh failed:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
    }
    const checked = [...out.matchAll(/^ok {3}(\S+)$/gm)].map((m) => m[1]!);
    const windows = fs.readdirSync(platformDir).filter((f) => f.endsWith('_windows.cpp')).map((f) => `binding/platform/${f}`);
    expect(windows.length).toBeGreaterThanOrEqual(4);
    for (const f of [...windows, 'binding/consumers/output_file_windows.cpp', 'binding/addon/addon.cpp', 'binding/engine/control/engine.cpp',
      'binding/devices/portaudio_library.cpp']) expect(checked).toContain(f);
    expect(checked.filter((f) => /_(posix|macos)\.cpp$/.test(f))).toEqual([]);
    expect(out).toMatch(/, 0 failed$/m);
  },
  600_000,
);

it('each platform concern has an implementation for every system', () => {
  // Headers of the layer with a per-system implementation: <concern>.hpp beside <concern>_<os>.cpp.
  const files = fs.readdirSync(platformDir);
  const concerns = files.filter((f) => f.endsWith('_posix.cpp')).map((f) => f.replace(/_posix\.cpp$/, ''));
  expect(concerns.sort()).toEqual(['clock', 'dynamic_library', 'memory_lock', 'thread_priority']);
  for (const c of concerns) {
    expect(files).toContain(`${c}.hpp`);
    expect(files).toContain(`${c}_windows.cpp`);
  }
  // macOS: its own file where POSIX is not enough (futex, clock_nanosleep, sched_getscheduler).
  for (const c of ['clock', 'thread_priority']) expect(files).toContain(`${c}_macos.cpp`);
});
