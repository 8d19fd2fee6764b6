import { buildServerIfStale } from "../../scripts/support/server-command.js";

/**
 * Before any test file: compiles the server to `.build/` if a source changed (scripts/build.mjs), so the test
 * files that spawn it as `npm start` does, two workers at a time, find it current and never build it together.
 */
export default function setup(): void {
  buildServerIfStale();
}
