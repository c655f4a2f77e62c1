import { defineConfig } from 'vitest/config';

// Integration suites drive real libvirtd daemons and child processes, so they
// get generous timeouts; unit suites finish in milliseconds regardless.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
