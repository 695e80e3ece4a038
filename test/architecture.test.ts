/**
 * The real-time boundary and the direction of dependencies, checked on the source tree (see
 * ARCHITECTURE.md, "Layers"). A path tells whether code may allocate: everything a real-time
 * thread runs lives in a folder named `realtime/`, and those files reach only the lock-free
 * primitives, the platform's real-time-safe calls and other real-time code, never the control
 * side, the addon, or headers whose point is to lock, wait or allocate. (The dynamic proof, that
 * nothing on a real-time thread allocates or locks, is the guard every test file checks.)
 */
import fs from 'node:fs';
import path from 'node:path';

const binding = path.join(__dirname, '..', 'binding');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(hpp|cpp)$/.test(e.name) ? [path.relative(binding, p)] : [];
  });
}

const files = sources(binding);
const includes = (file: string): { local: string[]; system: string[] } => {
  const text = fs.readFileSync(path.join(binding, file), 'utf8');
  const local = [...text.matchAll(/^#include "([^"]+)"/gm)].map((m) => {
    const name = m[1]!;
    // Same-folder includes ("engine.hpp") resolve next to the file.
    return name.includes('/') ? name : path.join(path.dirname(file), name);
  });
  const system = [...text.matchAll(/^#include <([^>]+)>/gm)].map((m) => m[1]!);
  return { local, system };
};

/** What each layer may include from this project, by path prefix. */
const layers: Array<{ layer: string; files: (f: string) => boolean; may: string[] }> = [
  { layer: 'rt (lock-free primitives)', files: (f) => f.startsWith('rt/'), may: ['rt/'] },
  { layer: 'platform', files: (f) => f.startsWith('platform/'), may: ['platform/'] },
  {
    layer: 'devices (real-time part)',
    files: (f) => f.startsWith('devices/realtime/'),
    may: ['devices/realtime/', 'devices/stream_buffers.hpp', 'platform/clock.hpp', 'platform/rt_scope.hpp', 'platform/thread_priority.hpp', 'rt/'],
  },
  { layer: 'devices', files: (f) => f.startsWith('devices/'), may: ['devices/', 'platform/', 'rt/'] },
  {
    layer: 'engine (real-time part)',
    files: (f) => f.startsWith('engine/realtime/'),
    may: ['engine/realtime/', 'engine/config.hpp', 'engine/messages.hpp', 'engine/metrics.hpp', 'devices/stream_buffers.hpp',
      'platform/clock.hpp', 'platform/rt_scope.hpp', 'rt/'],
  },
  { layer: 'engine', files: (f) => f.startsWith('engine/'), may: ['engine/', 'devices/', 'platform/', 'rt/'] },
  { layer: 'addon', files: (f) => f.startsWith('addon/'), may: ['addon/', 'consumers/', 'engine/', 'devices/', 'platform/', 'rt/'] },
  // Consumers of the mix on threads of their own (recorders, streamers, encoders): control-side,
  // may block on the disk. They read the broadcast ring (rt/), tell advance() how far
  // (lossless_reader), and Opus resamples to 48 kHz with the engine's own resampler (self-contained
  // arithmetic, as safe off the real-time threads as on them).
  {
    layer: 'consumers',
    files: (f) => f.startsWith('consumers/'),
    may: ['consumers/', 'engine/control/lossless_reader.hpp', 'engine/realtime/dsp/resampler.hpp', 'platform/', 'rt/'],
  },
];

/** Standard headers whose purpose is to lock, wait, spawn, log or own growing containers. */
const notRealtime = ['mutex', 'shared_mutex', 'condition_variable', 'thread', 'future', 'iostream', 'fstream', 'sstream',
  'cstdio', 'string', 'vector', 'map', 'unordered_map', 'set', 'deque', 'list', 'functional', 'napi.h'];

it('every source file belongs to a layer', () => {
  expect(files.filter((f) => !layers.some((l) => l.files(f)))).toEqual([]);
});

it.each(layers.map((l) => [l.layer, l] as const))('%s includes only what its layer may', (_name, layer) => {
  const owned = files.filter((f) => layers.find((l) => l.files(f)) === layer);
  expect(owned.length).toBeGreaterThan(0);
  const wrong = owned.flatMap((f) =>
    includes(f)
      .local.filter((inc) => !layer.may.some((p) => inc.startsWith(p)))
      .map((inc) => `${f} includes ${inc}`),
  );
  expect(wrong).toEqual([]);
});

it('real-time code includes no header made for locking, waiting, logging or growing', () => {
  const realtime = files.filter((f) => f.includes('/realtime/'));
  expect(realtime.length).toBeGreaterThan(15);
  const wrong = realtime.flatMap((f) => includes(f).system.filter((h) => notRealtime.includes(h)).map((h) => `${f}: <${h}>`));
  expect(wrong).toEqual([]);
});

it('PortAudio types stay inside the PortAudio build of the device layer', () => {
  const withPortAudio = files.filter((f) => includes(f).system.includes('portaudio.h'));
  expect(withPortAudio.sort()).toEqual(['devices/portaudio_library.hpp', 'devices/realtime/portaudio_callback.hpp']);
  // The engine and the addon compile without PortAudio's header: no conditional blocks about it.
  const conditional = files.filter((f) => /RINGMIX_HAVE_PORTAUDIO|__has_include\(<portaudio/.test(fs.readFileSync(path.join(binding, f), 'utf8')));
  expect(conditional).toEqual([]);
});
