/**
 * The built addon needs no codec library at run time (libFLAC, LAME, libopus, libogg are linked
 * in), and exports nothing but N-API's entry points: no symbol of ours or of a linked library can
 * clash with another addon's copy in the same process.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const addon = path.join(__dirname, '..', 'build', 'Release', 'ringmix.node');

it('links no codec library dynamically', () => {
  const deps = execFileSync('ldd', [addon], { encoding: 'utf8' });
  for (const lib of ['libmp3lame', 'libFLAC', 'libogg', 'libopus', 'libspeexdsp', 'libportaudio']) expect(deps).not.toContain(lib);
});

it('exports only the N-API entry points', () => {
  const out = execFileSync('nm', ['-D', '--defined-only', addon], { encoding: 'utf8' });
  const names = out.trim().split('\n').map((l) => l.trim().split(/\s+/).pop());
  expect(names.sort()).toEqual(['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
});
