// Test projects: fast pure unit tests beside the code, and integration suites in test/ that drive
// real berthd processes, runc, overlayfs and network namespaces (root only).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['pkg/**/*.test.ts', 'cmd/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration suites share one host (bridges, nft tables, runc state): run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
