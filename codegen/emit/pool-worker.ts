/**
 * Worker-thread entry of a run's WorkerPool: runs the jobs posted to it, in
 * the order posted, each unless the run's thread claimed it first (see
 * worker-pool.ts).
 */
import module from "node:module";
import { parentPort, workerData } from "node:worker_threads";
import { JOB_KINDS, type JobKind, loadJob } from "./worker-jobs.js";

interface PostedJob {
  readonly index: number;
  readonly kind: JobKind;
  readonly data: never;
}

const claims = new Int32Array((workerData as { claims: SharedArrayBuffer }).claims);
const queue: PostedJob[] = [];
let running = false;

void preload();

parentPort!.on("message", (posted: PostedJob) => {
  queue.push(posted);
  if (!running) void runQueue();
});

async function runQueue(): Promise<void> {
  running = true;
  for (let posted = queue.shift(); posted; posted = queue.shift()) await runJob(posted);
  running = false;
  // What this thread compiled goes to Node's compile cache (when the bundle turned it on) now: a worker is terminated,
  // never exits on its own, so the cache would otherwise never be written.
  module.flushCompileCache?.();
}

async function runJob({ index, kind, data }: PostedJob): Promise<void> {
  let job: (data: never) => unknown;
  try {
    job = await loadJob(kind);
  } catch (error) {
    if (Atomics.compareExchange(claims, index, 0, 1) === 0) parentPort!.postMessage({ index, error });
    return;
  }
  // Claimed only once its code is loaded: until then the run's thread may take the job (drain).
  if (Atomics.compareExchange(claims, index, 0, 1) !== 0) return;
  try {
    parentPort!.postMessage({ index, result: job(data) });
  } catch (error) {
    parentPort!.postMessage({ index, error });
  }
}

/**
 * Every job's libraries load now, while the run's thread is still reading
 * the spec; one after the other, in the order the jobs come (the types
 * first), so the first job waits for its own only. A failure shows in the
 * job.
 */
async function preload(): Promise<void> {
  for (const kind of JOB_KINDS) await loadJob(kind).catch(() => {});
}
