import { spawn } from "node:child_process";
import { statSync } from "node:fs";

/**
 * V8's flag, and the value the generator runs with: semi-spaces of 16 MB
 * instead of the default that grows to 64 MB (on this machine's heap limit).
 * The generator allocates fast and keeps much of it (parsed document, schema
 * conversions, the types' AST), so V8 grows the young generation to its
 * maximum on both threads, main and pool worker, and keeps it resident: on
 * GitHub's description, peak RSS ~1.05 GB → ~0.81 GB, Stripe's ~0.95 → ~0.70 GB,
 * CPU unchanged (8 MB: ~0.82 GB, 32 MB: ~0.83 GB). `npm run generate` passes it in
 * package.json (no restart), as `npm start` does for the API server.
 */
const FLAG = "--max-semi-space-size";
/** The flag as `npm run generate` must pass it (package.json; test/codegen/memory-settings.test.ts checks). */
export const YOUNG_GENERATION_FLAG = `${FLAG}=16`;
/**
 * glibc's malloc (Linux) gives each thread that allocates under contention an
 * arena of its own, up to 8 per core, and keeps what was freed in them: the
 * pool worker's and V8's compiler threads' memory stayed resident after they
 * were done. Two arenas: GitHub's description, peak RSS 813–905 MB → 764–776 MB
 * in three runs each, wall and CPU unchanged. Read by glibc at start-up only.
 */
export const MALLOC_ARENAS = "2";
/**
 * Below this size of the root document the heap stays small and the young
 * generation with it: the restart (~0.1 s of CPU) would cost more than it
 * saves (commerce.yaml, 0.1 MB: 0.6 s runs).
 */
const RELAUNCH_ABOVE_BYTES = 1_000_000;

/**
 * Both settings only take effect at start-up (`v8.setFlagsFromString` later
 * does not shrink the main thread's heap; glibc reads its environment once),
 * so a run started without them starts Node again with them (~30-80 ms) and
 * passes on its exit code; one that has them (set by this, by hand, in
 * NODE_OPTIONS or the environment; MALLOC_ARENA_MAX only matters on Linux)
 * runs here. `npm run generate` passes the flag; on Linux a large spec still
 * restarts once for the environment variable (an npm script cannot set one
 * portably). So do a small spec (see RELAUNCH_ABOVE_BYTES) and `--watch`: a
 * long-lived child the parent could lose (SIGKILL) would keep watching, and
 * watching reruns are small.
 *
 * Ctrl-C reaches both processes (same process group); SIGINT and SIGTERM sent
 * to this one are passed on. The child's exit ends this one with its code or
 * signal.
 *
 * @returns the child's exit code once it exits, or undefined: run here
 */
export function relaunchWithMemorySettings(argv = process.argv.slice(2)) {
  const missing = missingSettings({ argv, execArgv: process.execArgv, env: process.env, platform: process.platform });
  if (!missing) return undefined;
  const child = spawn(process.execPath, [...missing.flags, ...process.execArgv, process.argv[1], ...argv], {
    stdio: "inherit",
    env: { ...process.env, ...missing.env },
  });
  const forward = (signal) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      // Ended by a signal: so is this process (no listener left, the default action applies).
      if (signal) process.kill(process.pid, signal);
      resolve(code ?? 1);
    });
  });
}

/**
 * What a run lacks of the settings above (a pure function of its arguments,
 * for tests): the Node flags and environment variables to restart with, or
 * undefined when it has them or needs none (a small spec, `--watch`).
 */
export function missingSettings({ argv, execArgv, env, platform }) {
  if (argv.includes("--watch") || specBytes(argv) <= RELAUNCH_ABOVE_BYTES) return undefined;
  const configured = [...execArgv, ...(env.NODE_OPTIONS ?? "").split(/\s+/)].some((arg) => arg.startsWith(FLAG));
  const flags = configured ? [] : [YOUNG_GENERATION_FLAG];
  const arenas = platform === "linux" && env.MALLOC_ARENA_MAX === undefined ? { MALLOC_ARENA_MAX: MALLOC_ARENAS } : {};
  return flags.length > 0 || Object.keys(arenas).length > 0 ? { flags, env: arenas } : undefined;
}

/** Size of the `--spec` file (cli.ts's default when none is given); 0 when it cannot be read (cli.ts reports it). */
function specBytes(argv) {
  const index = argv.findIndex((arg) => arg === "--spec" || arg.startsWith("--spec="));
  const spec = index < 0 ? "openapi/commerce.yaml" : argv[index].startsWith("--spec=") ? argv[index].slice(7) : argv[index + 1];
  try {
    return spec ? statSync(spec).size : 0;
  } catch {
    return 0;
  }
}
