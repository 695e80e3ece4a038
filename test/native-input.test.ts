/**
 * The native-input run: the raw addon (dist/native's Mixer and Tap) called in a child process with
 * what the TypeScript layer never passes: NaN, ±Infinity, 1e300, negatives and non-integers for
 * rates, frame counts, channels and ids, channel counts that do not match the input, inherited
 * options, missing arguments, the wrong receiver. Each call must throw a coded Error and never
 * crash or be accepted (test/helpers/native-input-cases.ts).
 *
 * The glue (binding/addon) is being hardened separately: until then this test fails, listing each
 * offender.
 */
import path from 'node:path';
import { runCalls } from './helpers/calls-run';

const root = path.join(__dirname, '..');

it('the addon refuses every malformed call with a coded error, without crashing', async () => {
  const summary = await runCalls(path.join(__dirname, 'helpers', 'native-input-cases.ts'), {
    RINGMIX_PORTAUDIO_LIBRARY: path.join(root, 'build', 'no-libportaudio.so'),
  });
  console.log(
    `native-input run: ${summary.calls} calls (${summary.distinct} distinct), ${summary.children} child process(es)\n` +
      `outcomes: ${JSON.stringify(summary.outcomes, null, 1)}\n` +
      `offenders (${summary.offenders.length}):\n${summary.offenders.join('\n')}`,
  );
  expect(summary.distinct).toBe(summary.calls);
  expect(summary.calls).toBeGreaterThanOrEqual(200);
  expect(summary.offenders).toEqual([]);
}, 600000);
