import { emitCapabilities } from "./capabilities-emitter.js";
import { emitContract } from "./contract-emitter.js";
import type { EmitContext, EmittedConcept, EmittedFile, Emitter } from "./emitter.js";
import { emitResponseValidators } from "./response-validators-emitter.js";
import { emitRoutes } from "./routes-emitter.js";
import { emitRuntime } from "./runtime-emitter.js";
import { emitSdk } from "./sdk-emitter.js";
import { emitTypes } from "./types-emitter.js";
import { emitValidators } from "./validators-emitter.js";

/** One emitter per concept; a concept without an emitter does not compile. */
const EMITTERS: Record<EmittedConcept, Emitter> = {
  // First the emitters that hand large specs to worker threads, so those start before the synchronous
  // emitters occupy this thread: validators, then test-time response validation (nothing in the routes
  // imports its output), the types and the bundled contract the server publishes.
  validators: emitValidators,
  responseValidators: emitResponseValidators,
  types: emitTypes,
  contract: emitContract,
  runtime: emitRuntime,
  routes: emitRoutes,
  capabilities: emitCapabilities,
  sdk: emitSdk,
};

/**
 * Runs every emitter and returns all files, sorted by path. Emitters are
 * started together: the asynchronous ones (on large specs: validators, types,
 * `openapi.yaml`, each in a worker thread) overlap with the synchronous ones
 * running on this thread.
 */
export async function emitAll(context: EmitContext): Promise<EmittedFile[]> {
  const results = await Promise.all(Object.values(EMITTERS).map((emitter) => emitter(context)));
  return results.flat().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
