/**
 * The runner behind the bad-input runs reports every way a call can end, and a call that crashes
 * its child process is recorded while the calls after it still run.
 */
import path from 'node:path';
import { runCalls } from './helpers/calls-run';

it('records outcomes and offenders, and gets past a crash', async () => {
  const summary = await runCalls(path.join(__dirname, 'helpers', 'runner-selftest-cases.ts'));
  expect(summary).toMatchObject({ calls: 6, distinct: 6, controls: 1, children: 2 });
  expect(summary.outcomes).toEqual({ 'TypeError ERR_INVALID_ARG_TYPE': 2, 'Error (no code)': 1, returned: 2, crashed: 1 });
  expect(summary.offenders).toEqual([
    'throws an uncoded Error — expected argument; threw an error without a code (Error (no code): no code)',
    'returns instead of throwing — expected argument; returned number instead of throwing',
    expect.stringMatching(/^crashes the process — expected argument; killed by SIGSEGV/),
  ]);
});
