import { emitCapabilities } from "./capabilities-emitter.js";
import type { EmitContext, EmittedConcept, EmittedFile, Emitter } from "./emitter.js";
import { emitRoutes } from "./routes-emitter.js";
import { emitRuntime } from "./runtime-emitter.js";
import { emitSdk } from "./sdk-emitter.js";
import { emitTypes } from "./types-emitter.js";
import { emitValidators } from "./validators-emitter.js";

/** One emitter per concept; a concept without an emitter does not compile. */
const EMITTERS: Record<EmittedConcept, Emitter> = {
  types: emitTypes,
  runtime: emitRuntime,
  routes: emitRoutes,
  validators: emitValidators,
  capabilities: emitCapabilities,
  sdk: emitSdk,
};

/** Runs every emitter and returns all files, sorted by path. */
export async function emitAll(context: EmitContext): Promise<EmittedFile[]> {
  const files: EmittedFile[] = [];
  for (const emitter of Object.values(EMITTERS)) files.push(...(await emitter(context)));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
