import { defineConfig } from "vitest/config";

/*
 * The one vitest config every package uses (its vitest.config.ts re-exports it).
 * Property tests run thousands of cases and integration tests start real processes; on a
 * CI machine whose 2 cores are shared, 5 s per test measures the load, not a bug.
 *
 * Unit files share their workers (`isolate: false`): they hold no state between files, and
 * a fresh worker per file cost more CPU than the tests (44 s against 28 s for all of them).
 * Integration files (*.int.test.ts) each get a fresh worker (`--isolate`) and run a few at
 * a time (`--maxWorkers 3`): they mostly wait on timers and real processes. The CPU-heavy
 * ones (*.heavy.int.test.ts) run one at a time in the test:heavy task.
 */
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    passWithNoTests: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    isolate: false,
  },
});
