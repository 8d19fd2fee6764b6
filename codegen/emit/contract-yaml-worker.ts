/** Worker-thread entry: the bundled contract as YAML (`openapi.yaml`) for a large document, off the main thread. */
import { parentPort, workerData } from "node:worker_threads";
import type { OpenApiDocument } from "../load/openapi-document.js";
import { contractYaml } from "./contract-yaml.js";

parentPort!.postMessage(contractYaml(workerData as OpenApiDocument));
