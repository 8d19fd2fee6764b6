/** Worker-thread entry: compiles validator sources off the main thread. */
import { parentPort, workerData } from "node:worker_threads";
import { compileValidators, type ValidatorSources } from "./compile-validators.js";
import type { ValidatorModule } from "./validator-plan.js";

const { sources, modules } = workerData as { sources: ValidatorSources; modules: ValidatorModule[] };
parentPort!.postMessage(compileValidators(sources, modules));
