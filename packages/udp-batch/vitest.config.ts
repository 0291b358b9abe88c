import { defineConfig } from "vitest/config";

// Property tests run thousands of cases; on a CI machine whose 2 cores are shared, 5 s per
// test is a measure of the load, not of a bug. Integration tests start real processes.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    passWithNoTests: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
