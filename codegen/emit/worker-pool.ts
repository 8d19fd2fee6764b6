import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { type JobCache, jobKey } from "./job-cache.js";
import type { JobData, JobKind, JobResult } from "./worker-jobs.js";
import { JOBS } from "./worker-jobs.js";

/** More jobs than a run ever posts (five at most today); a job past it runs on this thread. */
const MAX_JOBS = 64;
const UNCLAIMED = 0;
// The worker claims a slot with 1 (pool-worker.ts).
const CLAIMED_HERE = 2;

/**
 * A run's second thread. Emitters post jobs (worker-jobs.ts) as soon as
 * their input is ready; one worker runs them in the order posted. Once every
 * emitter's synchronous work is done, `drain()` lets this thread take the
 * jobs the worker has not begun, last posted first, instead of waiting: on
 * two cores both threads stay busy to the end. Who runs a job is settled by a
 * compare-and-swap on a shared slot, so each runs exactly once; the result is
 * the same function of the same data either way.
 *
 * With a cache (job-cache.ts), a job a former run already ran on the same
 * input resolves from it and is never posted.
 *
 * Nothing waits on this thread's event loop to start work: the worker is
 * created by the first `run()` and each job is posted there and then (a job
 * started from a promise callback would wait for every synchronous emitter,
 * as the former queue's second job did: GitHub's response validators began
 * ~2 s after the worker went idle).
 *
 * The price is memory: the worker's heap (Ajv's work, the YAML job's parsed
 * copy of the contract) is alive while this thread's is at its largest, and
 * one worker keeps what all its jobs grew it to. Peak RSS on GitHub's
 * description went from ~1.0 GB (one short-lived worker per job, the second
 * started only once this thread was idle) to ~1.25 GB; Stripe's stayed ~0.95 GB.
 *
 * @example
 * const pool = createWorkerPool();
 * const code = pool.run("responseValidators", sources); // posted now
 * pool.drain(); // after the other emitters; runs here what the worker has not begun
 * await code;
 * await pool.close();
 */
export interface WorkerPool {
  /**
   * Posts a job. `here`, when given, is how this thread runs it instead of
   * `JOBS[kind](data)`: from objects it already holds, the same result (the
   * contract's YAML from the document itself, not from a parsed copy of its
   * JSON text). The worker only ever gets `data`; the cache key is `data`'s.
   */
  run<K extends JobKind>(kind: K, data: JobData<K>, here?: () => JobResult<K>): Promise<JobResult<K>>;
  drain(): void;
  close(): Promise<void>;
}

interface PendingJob {
  readonly kind: JobKind;
  /** Dropped once the worker has the job: large specs' validator sources are ~100 MB of this thread's peak. */
  data: unknown;
  here: (() => unknown) | undefined;
  readonly resolve: (result: never) => void;
  readonly reject: (error: unknown) => void;
}

export function createWorkerPool(cache?: JobCache): WorkerPool {
  const claims = new Int32Array(new SharedArrayBuffer(MAX_JOBS * Int32Array.BYTES_PER_ELEMENT));
  const pending = new Map<number, PendingJob>();
  let worker: Worker | undefined;
  let posted = 0;

  const settle = (index: number, outcome: { result?: unknown; error?: unknown }) => {
    const job = pending.get(index);
    if (!job) return;
    pending.delete(index);
    if ("error" in outcome) job.reject(outcome.error);
    else job.resolve(outcome.result as never);
  };
  const runHere = (index: number, job: PendingJob) => {
    try {
      settle(index, { result: job.here ? job.here() : (JOBS[job.kind] as (data: unknown) => unknown)(job.data) });
    } catch (error) {
      settle(index, { error });
    }
  };
  const failAll = (error: unknown) => {
    for (const index of [...pending.keys()]) if (Atomics.load(claims, index) !== CLAIMED_HERE) settle(index, { error });
  };
  const startWorker = () => {
    const started = new Worker(bootCode(), { eval: true, workerData: { claims: claims.buffer } });
    started.on("message", (message: { index: number; result?: unknown; error?: unknown }) => settle(message.index, message));
    started.once("error", failAll);
    started.once("exit", (code) => failAll(new Error(`the codegen worker exited with code ${code}`)));
    return started;
  };

  return {
    run<K extends JobKind>(kind: K, data: JobData<K>, here?: () => JobResult<K>): Promise<JobResult<K>> {
      const key = cache && jobKey(kind, data);
      const cached = key === undefined ? undefined : cache?.get(key);
      if (cached !== undefined) return Promise.resolve(cached as JobResult<K>);
      return new Promise<JobResult<K>>((resolve, reject) => {
        const index = posted++;
        const done = (result: never) => {
          if (key !== undefined) cache?.set(key, result);
          resolve(result);
        };
        const job: PendingJob = { kind, data, here, resolve: done, reject };
        pending.set(index, job);
        if (index >= MAX_JOBS) return runHere(index, job);
        worker ??= startWorker();
        worker.postMessage({ index, kind, data });
      });
    },
    drain() {
      for (const index of [...pending.keys()].reverse()) {
        const job = pending.get(index);
        if (!job || index >= MAX_JOBS) continue;
        if (Atomics.compareExchange(claims, index, UNCLAIMED, CLAIMED_HERE) === UNCLAIMED) runHere(index, job);
        else {
          // The worker's: this thread will never need the input again.
          job.data = undefined;
          job.here = undefined;
        }
      }
    },
    async close() {
      await worker?.terminate();
      worker = undefined;
    },
  };
}

/**
 * The worker's first code. From the esbuild bundle (`codegen/.build/`) it
 * turns on Node's compile cache there, as `generate.mjs` does for this thread
 * (Ajv's modules start faster); from TypeScript sources (tsx: tests) it
 * registers tsx first, since workers do not inherit the parent's module hooks.
 */
function bootCode(): string {
  const fromSources = import.meta.url.endsWith(".ts");
  const entry = new URL(`./pool-worker${fromSources ? ".ts" : ".js"}`, import.meta.url).href;
  return fromSources
    ? `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`
    : `import("node:module").then((m) => { m.enableCompileCache?.(${JSON.stringify(fileURLToPath(new URL("./compile-cache", import.meta.url)))}); return import(${JSON.stringify(entry)}); });`;
}
