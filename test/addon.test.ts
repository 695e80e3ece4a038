/**
 * The build and load path: the addon loads through the package entry point (dist/, the file users
 * require) and its glue refuses malformed calls without crashing, even from callers that bypass
 * the TypeScript validation.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as ringmix from '..';
import { native } from '../dist/native';

const pkg = require('../package.json') as { version: string };

describe('package entry point', () => {
  it('loads the addon built from this version', () => {
    const info = ringmix.buildInfo();
    expect(info.version).toBe(pkg.version);
    expect(info.napiVersion).toBeGreaterThanOrEqual(8);
    expect(info.lockFree64).toBe(true);
    expect(info.cacheLineBytes).toBe(128);
    // Built here with PortAudio's header (scripts/setup.sh installs it).
    expect(info.deviceSupport).toBe(true);
    expect(['avx512', 'avx', 'baseline']).toContain(info.simd);
  });

  it('RINGMIX_NO_AVX512=1 caps the kernels at AVX, and the mix is the same bits', () => {
    // A child process each: the choice is made when the addon loads.
    const script =
      "const { Mixer, buildInfo } = require('.'); const m = new Mixer({ clock: 'simulated' });" +
      "m.addInput({ source: { generator: 'sine', frequency: 997 } }); const t = m.tap(); m.advance(4800);" +
      "const a = t.read(); let h = 0; for (const x of new Uint32Array(a.buffer, a.byteOffset, a.length)) h = (h * 31 + x) >>> 0;" +
      "console.log(JSON.stringify({ simd: buildInfo().simd, frames: a.length / 2, hash: h })); m.close();";
    const run = (env: NodeJS.ProcessEnv) =>
      JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..'), env, encoding: 'utf8' })) as {
        simd: string;
        frames: number;
        hash: number;
      };
    const plain = run(process.env);
    const capped = run({ ...process.env, RINGMIX_NO_AVX512: '1' });
    expect(capped.simd).toBe(plain.simd === 'baseline' ? 'baseline' : 'avx');
    expect(capped.frames).toBe(4800);
    expect(capped.hash).toBe(plain.hash);
  });

  it('exports the API and RingmixError with a stable code', () => {
    expect(typeof ringmix.Mixer).toBe('function');
    const err = new ringmix.RingmixError('ERR_CLOSED', 'closed');
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('ERR_CLOSED');
    expect(err.name).toBe('RingmixError');
  });
});

describe('native glue', () => {
  // Native errors come from Node's own realm, not jest's sandbox, so they are matched by name and
  // code rather than with instanceof.
  const typeErr = expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  const rangeErr = expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });

  it('rejects malformed calls with TypeError/RangeError and a code, never a crash', () => {
    const { Mixer } = native();
    const make = (o: unknown) => new Mixer(o as never);
    expect(() => make('fast')).toThrow(typeErr);
    expect(() => make({ sampleRate: 'x' })).toThrow(typeErr);
    expect(() => make({ sampleRate: 1 })).toThrow(rangeErr);
    expect(() => make({ clock: 'sundial' })).toThrow(rangeErr);
    const m = make({ clock: 'simulated' });
    expect(() => m.addInput({ kind: 'generator', generator: 'square' } as never)).toThrow(rangeErr);
    expect(() => m.addInput(null as never)).toThrow(typeErr);
    expect(() => m.set('volume' as never, 1, 0)).toThrow(rangeErr);
    expect(() => m.write(1, [1, 2] as never, 1)).toThrow(typeErr);
    expect(() => m.advance(-5)).toThrow(rangeErr);
    expect(() => m.openTap(0)).toThrow(rangeErr);
    m.close();
    expect(() => m.metrics()).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
  });
});
