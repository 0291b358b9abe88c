import { defineConfig } from "vitest/config";

// The integration tests run tshark (and the real daemon) as child processes; on a CI
// machine whose 2 cores are shared, 5 s per test is a measure of the load, not of a bug.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    passWithNoTests: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
