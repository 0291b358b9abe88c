import { defineConfig } from "vitest/config";

// Every file starts its own redis-server and, for the failure cases, server processes;
// one file at a time keeps their timing independent of each other on a 2-core CI box.
export default defineConfig({
  test: {
    fileParallelism: false,
    include: ["src/**/*.test.ts"],
    passWithNoTests: false,
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
