import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/** The worker entries under `codegen/emit/` (each also an entry point of `codegen/bin/generate.mjs`'s bundle). */
export type WorkerEntry = "validators-worker" | "response-validators-worker";

/**
 * Runs a worker entry in a thread and resolves with the one message it posts.
 * From the esbuild bundle (`codegen/.build/`), the worker first turns on
 * Node's compile cache there, as `generate.mjs` does for the main thread
 * (Ajv's modules start faster). From TypeScript sources (tsx: tests), it
 * registers tsx before loading its entry, since workers do not inherit the
 * parent's module hooks.
 */
function runInWorker<T>(entryName: WorkerEntry, workerData: unknown): Promise<T> {
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

/** Runs worker entries one at a time, in the order asked. */
export type WorkerQueue = <T>(entryName: WorkerEntry, workerData: unknown) => Promise<T>;

/**
 * A queue of worker threads for one run: each worker starts when the one
 * before it has finished. The jobs (Ajv compilation: request validators, then
 * response validators) still overlap with the main thread, which is the longer
 * path on large specs (GitHub: ~6 s of CPU against ~3.5 s of Ajv), while only
 * one extra V8 heap is alive at a time: two at once cost ~0.5 GB of peak RSS
 * more on GitHub's description for no gain in wall time on two cores.
 *
 * @example
 * const run = createWorkerQueue();
 * const files = await run<EmittedFile[]>("validators-worker", { sources, modules });
 */
export function createWorkerQueue(): WorkerQueue {
  let previous: Promise<unknown> = Promise.resolve();
  return <T>(entryName: WorkerEntry, workerData: unknown) => {
    const next = previous.then(
      () => runInWorker<T>(entryName, workerData),
      () => runInWorker<T>(entryName, workerData),
    );
    previous = next;
    return next;
  };
}
