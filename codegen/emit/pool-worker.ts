/**
 * Worker-thread entry of a run's WorkerPool: runs each job posted to it, in
 * order, unless this run's thread claimed it first (see worker-pool.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { JOBS, type JobKind } from "./worker-jobs.js";

const claims = new Int32Array((workerData as { claims: SharedArrayBuffer }).claims);

parentPort!.on("message", ({ index, kind, data }: { index: number; kind: JobKind; data: never }) => {
  if (Atomics.compareExchange(claims, index, 0, 1) !== 0) return;
  try {
    parentPort!.postMessage({ index, result: JOBS[kind](data) });
  } catch (error) {
    parentPort!.postMessage({ index, error });
  }
});
