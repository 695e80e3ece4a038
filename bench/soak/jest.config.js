/**
 * The soak test runs under jest, as the consumers benchmark does, only to reuse the tests' real-server
 * helpers (JACK's dummy driver, a private icecast2) written in TypeScript. scripts/soak.sh runs it;
 * its report is JSON on stdout, and its verdict is the test's (jest exits non-zero when it fails).
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/bench/soak'],
  testMatch: ['**/soak.bench.ts'],
  // Transpile only (isolatedModules there): the soak's start-up counts against CI's time, and
  // `npm run typecheck` (tsconfig.test.json includes bench/) checks these files' types.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/bench/soak/tsconfig.json' }] },
};
