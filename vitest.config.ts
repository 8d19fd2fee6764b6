import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Compiles the server once (scripts/build.mjs) for the tests that start it as `npm start` does.
    globalSetup: ["test/support/global-setup.ts"],
    // Type-checking generated output of large specs takes tens of seconds.
    testTimeout: 120_000,
    // Two cores: run two test files at a time (the default leaves one core idle here).
    maxWorkers: 2,
    hookTimeout: 120_000,
  },
});
