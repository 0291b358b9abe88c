import { defineConfig } from "vitest/config";

/*
 * The one vitest config every package uses (its vitest.config.ts re-exports it).
 * Property tests run thousands of cases and integration tests start real processes; on a
 * CI machine whose 2 cores are shared, 5 s per test measures the load, not a bug.
 * Integration files (*.int.test.ts) run one at a time: `vitest run --no-file-parallelism`.
 */
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    passWithNoTests: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
