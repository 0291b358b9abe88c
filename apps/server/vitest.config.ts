import { defineConfig } from "vitest/config";

// Integration tests spawn the real daemon and talk UDP to it; on a busy machine startup
// alone can take a few seconds, so the default 5 s per test is too tight.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    passWithNoTests: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
