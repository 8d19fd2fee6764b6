/** Worker-thread entry: compiles validator sources off the main thread. */
import { parentPort, workerData } from "node:worker_threads";
import { compileValidators, type ValidatorSources } from "./compile-validators.js";

parentPort!.postMessage(compileValidators(workerData as ValidatorSources));
