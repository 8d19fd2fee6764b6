import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/** More jobs than a run ever posts (six at most today); a job past it runs on the run's thread. */
export const MAX_JOBS = 64;

/** A run's worker thread and the slots by which it and the run's thread claim jobs (worker-pool.ts). */
export interface JobWorker {
  readonly worker: Worker;
  readonly claims: Int32Array<SharedArrayBuffer>;
}

/** One slot per job, shared by a run's thread and its worker (worker-pool.ts says what each value means). */
export function createClaims(): Int32Array<SharedArrayBuffer> {
  return new Int32Array(new SharedArrayBuffer(MAX_JOBS * Int32Array.BYTES_PER_ELEMENT));
}

/** A worker running pool-worker.ts, which starts loading every job's libraries at once. */
export function startJobWorker(claims = createClaims()): JobWorker {
  const worker = new Worker(bootCode(), { eval: true, workerData: { claims: claims.buffer } });
  return { worker, claims };
}

let early: (JobWorker & { ended: boolean }) | undefined;

/**
 * Starts the worker for the next run before the generator itself is loaded
 * (`generate.mjs` calls this first, then imports the CLI: ~0.25 s of this
 * thread's start-up during which the worker already loads TypeScript). Not
 * referenced until a run takes it, so a process that ends without a run
 * (a usage error) does not wait for it.
 */
export function startJobWorkerEarly(): JobWorker {
  if (early) return early;
  const started = { ...startJobWorker(), ended: false };
  // Until a run listens: a worker that failed to start is not handed over (that run starts another).
  started.worker.once("error", () => {});
  started.worker.once("exit", () => {
    started.ended = true;
  });
  started.worker.unref();
  early = started;
  return started;
}

/** The worker `startJobWorkerEarly` started, for the first run that asks; then none. */
export function takeEarlyJobWorker(): JobWorker | undefined {
  const taken = early;
  early = undefined;
  if (!taken || taken.ended) return undefined;
  taken.worker.ref();
  return taken;
}

/**
 * The worker's first code. From the esbuild bundle (`codegen/.build/`) it
 * turns on Node's compile cache there, as `generate.mjs` does for the run's
 * thread (the libraries start faster); from TypeScript sources (tsx: tests)
 * it registers tsx first, since workers do not inherit the parent's module
 * hooks.
 */
function bootCode(): string {
  const fromSources = import.meta.url.endsWith(".ts");
  const entry = new URL(`./pool-worker${fromSources ? ".ts" : ".js"}`, import.meta.url).href;
  return fromSources
    ? `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`
    : `import("node:module").then((m) => { m.enableCompileCache?.(${JSON.stringify(fileURLToPath(new URL("./compile-cache", import.meta.url)))}); return import(${JSON.stringify(entry)}); });`;
}
