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
