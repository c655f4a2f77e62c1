import { defineConfig } from 'vitest/config';

// Integration suites drive real libvirtd daemons and child processes, so they
// get generous timeouts; unit suites finish in milliseconds regardless.
//
// Two projects: `main` (everything, files in parallel) and `xen` (`*.xen.test.ts`,
// the suites on the real Xen rig). groupOrder runs `xen` after `main`, one file at
// a time: its two QEMU/TCG hosts need the machine's cores, and every migration
// on them must not race another suite's.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: ['test/**/*.xen.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'xen',
          include: ['test/**/*.xen.test.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          // Building the rig's image on a machine that has none takes ~12 min.
          hookTimeout: 45 * 60_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
