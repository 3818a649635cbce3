import { defineConfig } from 'vitest/config';

// One run, one summary. Suites that load the native addon use the forked pool.
export default defineConfig({
  resolve: { conditions: ['@opencalls/source'] },
  ssr: { resolve: { conditions: ['@opencalls/source'] } },
  test: {
    // In CI also write a JSON report; .ci/run prints a plain "N passed, N failed" line from it.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'protocol', include: ['packages/protocol/test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'conformance', include: ['packages/conformance/test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'session', include: ['packages/session/test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'native', include: ['native/test/**/*.test.ts'], pool: 'forks' },
      },
      {
        extends: true,
        test: {
          name: 'media',
          include: ['packages/media/test/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'sfu',
          include: ['apps/sfu/test/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
