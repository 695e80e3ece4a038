/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  setupFilesAfterEnv: ['<rootDir>/test/setup/rt-guard.ts'],
  testTimeout: 30000,
  // A fresh worker process for every test file: PortAudio's device state (and which audio servers
  // it is connected to) is per process, and the device tests start and stop real servers.
  workerIdleMemoryLimit: '1MB',
};
