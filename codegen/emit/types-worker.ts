/** Worker-thread entry: openapi-typescript's types of a large document, off the main thread. */

import { parentPort, workerData } from "node:worker_threads";
import type { OpenAPI3 } from "openapi-typescript";
import { openapiTypesSource } from "./types-text.js";

parentPort!.postMessage(await openapiTypesSource(workerData as OpenAPI3));
