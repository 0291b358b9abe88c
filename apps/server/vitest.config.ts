import { defineConfig } from "vitest/config";

// Integration tests spawn the real daemon and talk UDP to it; on a busy machine startup
// alone can take a few seconds, so the default 5 s per test is too tight. Files run one at
// a time: the attack suites load both cores on purpose, and the timing of the other
// integration tests must not depend on which attack happens to run beside them.
export default defineConfig({
  test: {
    fileParallelism: false,
    include: ["src/**/*.test.ts"],
    passWithNoTests: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
