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
  // The emitters that post jobs to the worker (worker-pool.ts) come first: the worker starts on them while the
  // synchronous emitters occupy this thread, and this thread drains from the last. The types first: the one job
  // this thread would have to load TypeScript for.
  types: emitTypes,
  // Test-time response validation: nothing in the routes imports its output.
  responseValidators: emitResponseValidators,
  validators: emitValidators,
  // The bundled contract the server publishes (its YAML is a job too).
  contract: emitContract,
  runtime: emitRuntime,
  routes: emitRoutes,
  capabilities: emitCapabilities,
  // MCP tools: the capabilities' arguments by reference, success bodies as output schemas.
  mcpTools: emitMcpTools,
  sdk: emitSdk,
};

/**
 * Runs every emitter and returns all files, sorted by path. Emitters are
 * started together: the jobs some post (every job with the CLI's early
 * worker; validators, types and YAML of large specs otherwise) overlap with
 * the synchronous emitters running on this thread, which then takes the jobs
 * the worker has not begun.
 */
export async function emitAll(context: EmitContext): Promise<EmittedFile[]> {
  const started = Object.values(EMITTERS).map((emitter) => emitter(context));
  await context.jobs.drain();
  const results = await Promise.all(started);
  return results.flat().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
