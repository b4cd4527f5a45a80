import { defineConfig } from 'vitest/config';

// Tests start real processes and sockets; the machine has two cores, so files run in a
// small pool and each test has a generous timeout that only exists to catch a hang.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'sample-system/test/**/*.test.ts'],
    globalSetup: ['test/setup/tools.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // In CI a JSON report too, from which .ci/run prints the plain closing line
    // ('N passed, N failed, N skipped') that CI reads.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/vitest-report.json' }]] : ['default'],
  },
});
