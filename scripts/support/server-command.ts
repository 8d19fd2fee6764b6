import { execFileSync } from "node:child_process";
import path from "node:path";
import { npmScriptNodeFlags } from "./npm-script-flags.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BUILD_SCRIPT = path.join(ROOT, "scripts/build.mjs");
const START_SCRIPT = path.join(ROOT, "scripts/start.mjs");

/** The Node flags of `npm start` (package.json): what the benches and the cluster launcher run is what an operator runs. */
export const SERVER_NODE_FLAGS: readonly string[] = npmScriptNodeFlags("start", "scripts/start.mjs");

/**
 * What `npm start` runs, as the arguments of a Node binary (`spawn(node, SERVER_ARGS, { cwd: ROOT })`):
 * its flags and scripts/start.mjs, which compiles the server to `.build/` when a source changed and runs it, without tsx.
 * Benches, the cluster launcher and the start-up tests spawn this, so they measure and test the server as shipped.
 */
export const SERVER_ARGS: readonly string[] = [...SERVER_NODE_FLAGS, START_SCRIPT];

/**
 * Compiles `.build/` now if it is stale (`npm run build`, a no-op when current), so that processes
 * spawned together with SERVER_ARGS find it built and none of them spends its start compiling.
 */
export function buildServerIfStale(node: string = process.execPath): void {
  execFileSync(node, [BUILD_SCRIPT, "--if-stale"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
}
