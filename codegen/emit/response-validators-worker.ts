/** Worker-thread entry: compiles the response validators off the main thread. */
import { parentPort, workerData } from "node:worker_threads";
import { compileResponseValidators, type ResponseValidatorSources } from "./compile-response-validators.js";

parentPort!.postMessage(compileResponseValidators(workerData as ResponseValidatorSources));
