import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/** The worker entries under `codegen/emit/` (each also an entry point of `codegen/bin/generate.mjs`'s bundle). */
export type WorkerEntry = "validators-worker" | "response-validators-worker" | "types-worker" | "contract-yaml-worker";

/**
 * Runs a worker entry in a thread and resolves with the one message it posts.
 * From the esbuild bundle (`codegen/.build/`), the worker first turns on
 * Node's compile cache there, as `generate.mjs` does for the main thread
 * (Ajv's modules start faster). From TypeScript sources (tsx: tests), it
 * registers tsx before loading its entry, since workers do not inherit the
 * parent's module hooks.
 *
 * @example
 * const files = await runInWorker<EmittedFile[]>("validators-worker", { sources, modules });
 */
export function runInWorker<T>(entryName: WorkerEntry, workerData: unknown): Promise<T> {
  const fromSources = import.meta.url.endsWith(".ts");
  const entry = new URL(`./${entryName}${fromSources ? ".ts" : ".js"}`, import.meta.url).href;
  const boot = fromSources
    ? `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`
    : `import("node:module").then((m) => { m.enableCompileCache?.(${JSON.stringify(fileURLToPath(new URL("./compile-cache", import.meta.url)))}); return import(${JSON.stringify(entry)}); });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(boot, { eval: true, workerData });
    worker.once("message", (result: T) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`${entryName} exited with code ${code}`));
    });
  });
}
