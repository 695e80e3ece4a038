/**
 * The build and load path: the addon loads through the package entry point (dist/, the file users
 * require), in the main thread and in workers, and its ring carries audio intact.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as ringmix from '..';
import { native } from '../dist/native';
import { channel, goertzelDb, sine } from './helpers/audio';

const pkg = require('../package.json') as { version: string };

describe('package entry point', () => {
  it('loads the addon built from this version', () => {
    const info = ringmix.buildInfo();
    expect(info.version).toBe(pkg.version);
    expect(info.napiVersion).toBeGreaterThanOrEqual(8);
    expect(info.lockFree64).toBe(true);
    expect(info.cacheLineBytes).toBe(128);
  });

  it('exports RingmixError with a stable code', () => {
    const err = new ringmix.RingmixError('ERR_CLOSED', 'closed');
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('ERR_CLOSED');
    expect(err.name).toBe('RingmixError');
  });
});

describe('native SampleRing', () => {
  const sampleRate = 48000;

  it('carries a 1 kHz tone through odd-sized chunks with level and length intact', () => {
    const ring = new (native().SampleRing)(1000, 2);
    const total = 48000; // one second: a whole number of 1 kHz cycles
    const input = sine(total, { sampleRate, frequency: 1000, levelDb: -6, channels: 2 });
    const output = new Float32Array(input.length);
    let written = 0;
    let read = 0;
    const writeSizes = [7, 333, 64, 1000, 1];
    const readSizes = [250, 3, 777, 128];
    for (let i = 0; read < total; i++) {
      const w = Math.min(writeSizes[i % writeSizes.length] as number, total - written);
      written += ring.write(input.subarray(written * 2, (written + w) * 2));
      const r = Math.min(readSizes[i % readSizes.length] as number, total - read);
      read += ring.read(output.subarray(read * 2, (read + r) * 2));
    }
    expect(read).toBe(total);
    expect(written).toBe(total);
    for (const ch of [0, 1]) {
      expect(goertzelDb(channel(output, 2, ch), sampleRate, 1000)).toBeCloseTo(-6, 2);
    }
    expect(output).toEqual(input);
  });

  it('accepts whole frames only when full and leaves the rest with the caller', () => {
    const ring = new (native().SampleRing)(256, 2);
    const frames = 300;
    const data = new Float32Array(frames * 2);
    for (let i = 0; i < frames; i++) {
      data[2 * i] = i; // left encodes the frame index
      data[2 * i + 1] = -i; // right its negation: a split frame would show up
    }
    expect(ring.write(data)).toBe(256);
    expect(ring.stats()).toEqual({ capacityFrames: 256, channels: 2, fillFrames: 256 });
    expect(ring.write(data.subarray(256 * 2))).toBe(0);
    const out = new Float32Array(400 * 2);
    expect(ring.read(out)).toBe(256);
    for (let i = 0; i < 256; i++) {
      expect(out[2 * i]).toBe(i);
      expect(out[2 * i + 1]).toBe(-i);
    }
    expect(ring.read(out)).toBe(0);
  });

  // Native errors come from Node's own realm, not jest's sandbox, so they are matched by name and
  // code rather than with instanceof.
  const typeErr = expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  const rangeErr = expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });

  it('rejects bad arguments with TypeError/RangeError and a code, never a crash', () => {
    const { SampleRing } = native();
    const make = (a: unknown, b: unknown) => new SampleRing(a as number, b as number);
    expect(() => make('8', 2)).toThrow(typeErr);
    expect(() => make(8, 3)).toThrow(rangeErr);
    expect(() => make(0, 2)).toThrow(rangeErr);
    expect(() => make(Number.NaN, 2)).toThrow(rangeErr);
    expect(() => make(1.5, 2)).toThrow(rangeErr);
    const ring = make(8, 2);
    expect(() => ring.write(new Float64Array(4) as unknown as Float32Array)).toThrow(typeErr);
    expect(() => ring.write([1, 2] as unknown as Float32Array)).toThrow(typeErr);
    expect(() => ring.write(new Float32Array(3))).toThrow(rangeErr);
    expect(() => ring.read(new Float32Array(5))).toThrow(rangeErr);
  });
});

describe('worker threads', () => {
  it('loads the context-aware addon in two workers at once and exits cleanly', async () => {
    const entry = path.join(__dirname, '..');
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const ringmix = require(workerData.entry);
      const { native } = require(workerData.entry + '/dist/native');
      const ring = new (native().SampleRing)(64, 1);
      const data = Float32Array.from({ length: 100 }, (_, i) => i * workerData.scale);
      const accepted = ring.write(data);
      const out = new Float32Array(64);
      const got = ring.read(out);
      parentPort.postMessage({ version: ringmix.buildInfo().version, accepted, got, last: out[63] });
    `;
    const run = (scale: number) =>
      new Promise<{ msg: { version: string; accepted: number; got: number; last: number }; exitCode: number }>(
        (resolve, reject) => {
          const w = new Worker(code, { eval: true, workerData: { entry, scale } });
          let msg: { version: string; accepted: number; got: number; last: number } | undefined;
          w.on('message', (m) => (msg = m));
          w.on('error', reject);
          w.on('exit', (exitCode) => (msg ? resolve({ msg, exitCode }) : reject(new Error('no message'))));
        },
      );
    const [a, b] = await Promise.all([run(1), run(2)]);
    expect(a.exitCode).toBe(0);
    expect(b.exitCode).toBe(0);
    expect(a.msg).toEqual({ version: pkg.version, accepted: 64, got: 64, last: 63 });
    expect(b.msg).toEqual({ version: pkg.version, accepted: 64, got: 64, last: 126 });
  });
});
