/**
 * Runs after every test file: the real-time guard (test/rtguard, preloaded by `npm test`) must have
 * counted no allocation, free or lock on a real-time thread in this process.
 */
import { native } from '../../dist/native';

afterAll(() => {
  const counts = native().rtGuardCounts();
  if (counts === null) return; // not preloaded: test/rt-guard.test.ts reports that
  expect(counts).toEqual({ allocations: 0, frees: 0, locks: 0 });
});
