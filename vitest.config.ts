import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Type-checking generated output of large specs takes tens of seconds.
    testTimeout: 120_000,
    // Two cores: run two test files at a time (the default leaves one core idle here).
    maxWorkers: 2,
    hookTimeout: 120_000,
  },
});
