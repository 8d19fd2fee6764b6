import { emitCapabilities } from "./capabilities-emitter.js";
import { emitContract } from "./contract-emitter.js";
import type { EmitContext, EmittedConcept, EmittedFile, Emitter } from "./emitter.js";
import { emitMcpTools } from "./mcp-tools-emitter.js";
import { emitResponseValidators } from "./response-validators-emitter.js";
import { emitRoutes } from "./routes-emitter.js";
import { emitRuntime } from "./runtime-emitter.js";
import { emitSdk } from "./sdk-emitter.js";
import { emitTypes } from "./types-emitter.js";
import { emitValidators } from "./validators-emitter.js";

/** One emitter per concept; a concept without an emitter does not compile. */
const EMITTERS: Record<EmittedConcept, Emitter> = {
  // First, so its worker starts before the synchronous emitters occupy this thread.
  validators: emitValidators,
  types: emitTypes,
  runtime: emitRuntime,
  routes: emitRoutes,
  // Test-time response validation; nothing in the routes imports its output.
  responseValidators: emitResponseValidators,
  capabilities: emitCapabilities,
  // MCP tools: the capabilities' arguments by reference, success bodies as output schemas.
  mcpTools: emitMcpTools,
  sdk: emitSdk,
  // The bundled contract the server publishes.
  contract: emitContract,
};

/**
 * Runs every emitter and returns all files, sorted by path. Emitters are
 * started together: an asynchronous one (validators, compiled in a worker on
 * large specs) overlaps with the synchronous ones running on this thread.
 */
export async function emitAll(context: EmitContext): Promise<EmittedFile[]> {
  const results = await Promise.all(Object.values(EMITTERS).map((emitter) => emitter(context)));
  return results.flat().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
