import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BUILD_SCRIPT = path.join(ROOT, "scripts/build.mjs");
const START_SCRIPT = path.join(ROOT, "scripts/start.mjs");

/**
 * The Node flags of `npm start`, read from package.json's "start" script
 * (`node <flags> scripts/start.mjs`), so what the benches and the cluster
 * launcher run cannot drift from what an operator runs.
 */
export const SERVER_NODE_FLAGS: readonly string[] = startScriptFlags();

/**
 * What `npm start` runs, as the arguments of a Node binary (`spawn(node, SERVER_ARGS, { cwd: ROOT })`):
 * its flags and scripts/start.mjs, which compiles the server to `.build/` when a source changed and runs it, without tsx.
 * Benches, the cluster launcher and the start-up tests spawn this, so they measure and test the server as shipped.
 */
export const SERVER_ARGS: readonly string[] = [...SERVER_NODE_FLAGS, START_SCRIPT];

function startScriptFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const words = scripts.start?.split(/\s+/) ?? [];
  if (words[0] !== "node" || words.at(-1) !== "scripts/start.mjs")
    throw new Error(`package.json's start script must be "node [flags] scripts/start.mjs", not ${JSON.stringify(scripts.start)}`);
  return words.slice(1, -1);
}

/**
 * Compiles `.build/` now if it is stale (`npm run build`, a no-op when current), so that processes
 * spawned together with SERVER_ARGS find it built and none of them spends its start compiling.
 */
export function buildServerIfStale(node: string = process.execPath): void {
  execFileSync(node, [BUILD_SCRIPT, "--if-stale"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
}
