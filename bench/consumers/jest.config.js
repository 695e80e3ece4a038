/**
 * The consumers benchmark runs under jest only to reuse the tests' real-server helpers (a private
 * icecast2) written in TypeScript; it asserts nothing about time and prints its JSON to stdout.
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/bench/consumers'],
  testMatch: ['**/*.bench.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  testTimeout: 600000,
};
