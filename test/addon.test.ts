/**
 * The build and load path: the addon loads through the package entry point (dist/, the file users
 * require) and its glue refuses malformed calls without crashing, even from callers that bypass
 * the TypeScript validation.
 */
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
