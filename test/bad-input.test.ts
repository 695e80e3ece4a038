/**
 * The bad-input run: several hundred distinct invalid calls across the whole public API
 * (test/helpers/bad-input-cases.ts and bad-input-api.ts), made in a child process so that a crash
 * is recorded rather than taking jest down. Every call must throw a TypeError/RangeError with an
 * argument code, or a RingmixError with its state code: never an uncoded error, a crash, a hang,
 * or a silent success. Valid look-alikes (controls) must succeed.
 *
 * The child has no audio backend, so every device call answers ERR_NO_AUDIO_BACKEND, here and in
 * CI alike; shapes are checked before any device is looked up.
 */
import path from 'node:path';
import { runCalls } from './helpers/calls-run';

const root = path.join(__dirname, '..');

it('hundreds of bad calls across the API: each throws a coded error, none crashes or succeeds', async () => {
  const summary = await runCalls(path.join(__dirname, 'helpers', 'bad-input-cases.ts'), {
    RINGMIX_PORTAUDIO_LIBRARY: path.join(root, 'build', 'no-libportaudio.so'),
  });
  console.log(
    `bad-input run: ${summary.calls} calls (${summary.distinct} distinct, ${summary.controls} valid controls), ` +
      `${summary.children} child process(es)\noutcomes: ${JSON.stringify(summary.outcomes, null, 1)}\n` +
      `offenders (${summary.offenders.length}):\n${summary.offenders.join('\n')}`,
  );
  expect(summary.offenders).toEqual([]);
  expect(summary.distinct).toBe(summary.calls);
  expect(summary.calls - summary.controls).toBeGreaterThanOrEqual(500);
  expect(summary.outcomes['crashed'] ?? 0).toBe(0);
}, 300000);
