import type { Worker } from "node:worker_threads";
import { type JobCache, jobKey } from "./job-cache.js";
import { createClaims, MAX_JOBS, startJobWorker, takeEarlyJobWorker } from "./job-worker.js";
import { type JobData, type JobKind, type JobResult, loadJob } from "./worker-jobs.js";

const UNCLAIMED = 0;
/** How pool-worker.ts claims a slot. */
const CLAIMED_BY_WORKER = 1;
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
 * When the worker starts:
 * - `startNow` (the CLI): at once, before the spec is even read. It imports
 *   every job's libraries (TypeScript for the types, Ajv) while this thread
 *   loads and checks the spec, and every job is posted to it: this thread
 *   loads those libraries only for a job it drains. commerce.yaml: ~0.2 s
 *   less of start-up on the path to the output.
 * - otherwise (tests calling `generate()`, where a thread per run would cost
 *   more than it saves): with the first `large` job. Jobs posted before that
 *   run on this thread.
 * Nothing waits on this thread's event loop to start work: each job is
 * posted there and then (a job started from a promise callback would wait for
 * every synchronous emitter).
 *
 * The price is memory: the worker's heap (Ajv's work, the types, the YAML
 * job's parsed copy of the contract) is alive while this thread's is at its
 * largest, and one worker keeps what all its jobs grew it to.
 *
 * @example
 * const pool = createWorkerPool({ startNow: true });
 * const code = pool.run("responseValidators", sources); // posted now
 * await pool.drain(); // after the other emitters; runs here what the worker has not begun
 * await code;
 * await pool.close();
 */
export interface WorkerPool {
  /**
   * A job's result. `here`, when given, is how this thread runs it instead of
   * the job's own function on `data`: from objects it already holds, the same
   * result (the contract's YAML from the document itself, not from a parsed
   * copy of its JSON text). The worker only ever gets `data`; the cache key is
   * `data`'s. `large`: worth starting the worker for.
   */
  run<K extends JobKind>(kind: K, data: JobData<K>, options?: RunOptions<K>): Promise<JobResult<K>>;
  /** Runs here, one by one, the posted jobs the worker has not begun. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface RunOptions<K extends JobKind> {
  readonly here?: () => JobResult<K> | Promise<JobResult<K>>;
  readonly large?: boolean;
  /**
   * Once posted, `drain()` leaves it to the worker: a job this thread would
   * first have to load a large library for (the types: TypeScript, ~0.4 s),
   * posted first so the worker takes it first.
   */
  readonly leaveToWorker?: boolean;
}

export interface WorkerPoolOptions {
  /** Results of former runs' jobs (job-cache.ts). */
  readonly cache?: JobCache;
  /** Start the worker now and post every job to it (see above). */
  readonly startNow?: boolean;
}

interface PendingJob {
  readonly kind: JobKind;
  /** Dropped once the worker has the job: large specs' validator sources are ~100 MB of this thread's peak. */
  data: unknown;
  here: (() => unknown) | undefined;
  readonly leaveToWorker: boolean;
  readonly resolve: (result: never) => void;
  readonly reject: (error: unknown) => void;
}

export function createWorkerPool(options: WorkerPoolOptions = {}): WorkerPool {
  const { cache } = options;
  // The worker generate.mjs started before loading the generator, if there is one (job-worker.ts).
  const early = options.startNow ? takeEarlyJobWorker() : undefined;
  const claims = early?.claims ?? createClaims();
  const pending = new Map<number, PendingJob>();
  let posted = 0;

  const settle = (index: number, outcome: { result?: unknown; error?: unknown }) => {
    const job = pending.get(index);
    if (!job) return;
    pending.delete(index);
    if ("error" in outcome) job.reject(outcome.error);
    else job.resolve(outcome.result as never);
  };
  const runHere = async (index: number, job: PendingJob) => {
    const { kind, data, here } = job;
    try {
      const result = here ? await here() : (await loadJob(kind))(data as never);
      settle(index, { result });
    } catch (error) {
      settle(index, { error });
    }
  };
  const failAll = (error: unknown) => {
    for (const index of [...pending.keys()]) if (Atomics.load(claims, index) !== CLAIMED_HERE) settle(index, { error });
  };
  const listen = (started: Worker) => {
    started.on("message", (message: { index: number; result?: unknown; error?: unknown }) => settle(message.index, message));
    started.once("error", failAll);
    started.once("exit", (code) => failAll(new Error(`the codegen worker exited with code ${code}`)));
    return started;
  };
  const startWorker = () => listen(startJobWorker(claims).worker);
  let worker: Worker | undefined = early ? listen(early.worker) : options.startNow ? startWorker() : undefined;

  return {
    run<K extends JobKind>(kind: K, data: JobData<K>, runOptions: RunOptions<K> = {}): Promise<JobResult<K>> {
      const key = cache && jobKey(kind, data);
      const cached = key === undefined ? undefined : cache?.get(key);
      if (cached !== undefined) return Promise.resolve(cached as JobResult<K>);
      return new Promise<JobResult<K>>((resolve, reject) => {
        const index = posted++;
        const done = (result: never) => {
          if (key !== undefined) cache?.set(key, result);
          resolve(result);
        };
        const job: PendingJob = {
          kind,
          data,
          here: runOptions.here,
          leaveToWorker: runOptions.leaveToWorker ?? false,
          resolve: done,
          reject,
        };
        pending.set(index, job);
        if (index >= MAX_JOBS || (!worker && !runOptions.large)) {
          // Never posted: claimed here, so drain() does not run it again.
          if (index < MAX_JOBS) Atomics.store(claims, index, CLAIMED_HERE);
          return void runHere(index, job);
        }
        worker ??= startWorker();
        worker.postMessage({ index, kind, data });
      });
    },
    async drain() {
      for (const index of [...pending.keys()].reverse()) {
        const job = pending.get(index);
        if (!job || index >= MAX_JOBS || job.leaveToWorker) continue;
        const claim = Atomics.compareExchange(claims, index, UNCLAIMED, CLAIMED_HERE);
        if (claim === UNCLAIMED) await runHere(index, job);
        else if (claim === CLAIMED_BY_WORKER) {
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
