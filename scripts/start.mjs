/**
 * `npm start`: runs the server compiled to JavaScript (`.build/src/main.js`,
 * see build.mjs) in this process, without tsx's loader. The build is redone
 * first when a source changed since (a stat of each, a few milliseconds), so
 * a fresh clone or a `git pull` needs nothing more than `npm start`.
 *
 * Node's compile cache (`.build/compile-cache`, thrown away with each build)
 * keeps the V8 code of the modules loaded, the application's and its
 * libraries', for the next start.
 *
 * `npm start` runs it with `--max-semi-space-size=32` (package.json): Node
 * 24's V8 lets each half of the young generation grow to 64 MB here, all of
 * it resident, while the API at load leaves next to nothing alive from one
 * scavenge to the next (0.01 KB promoted per request, measured with
 * --trace-gc-nvp). Halved, the server keeps ~50 MB less after a minute at 50
 * connections (`npm run bench:memory`, medians of two 2-round runs: 259 →
 * 210 MB); req/s within run-to-run noise (one run equal, one 8% lower).
 * Whoever runs this file directly should pass the same flag.
 *
 * The server's own behaviour is unchanged: it is the same module as
 * `tsx src/main.ts`, in this process, with its signal handlers and exit codes.
 * Plain JavaScript run by Node itself.
 */
import module from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { BUILD_DIR, ensureBuilt, MAIN } from "./build.mjs";

try {
  await ensureBuilt();
} catch (error) {
  console.error(`npm start: could not compile the server to .build/: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
module.enableCompileCache?.(path.join(BUILD_DIR, "compile-cache"));
await import(pathToFileURL(MAIN).href);
// Listening: write what was compiled now rather than at exit (a SIGKILL would lose it).
module.flushCompileCache?.();
