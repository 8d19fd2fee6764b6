import type { OperationModel } from "../model/operation-model.js";
import { IdentifierPool } from "./ts-text.js";

/** Which validator of an operation: its parameters, or its body for one body kind. */
export type ValidatorRole = "parameters" | "jsonBody" | "formBody" | "textBody";

/**
 * One Ajv instance and one module per coercion policy. Path, query and header
 * values arrive as strings and are coerced per schema (a lone value becomes a
 * one-item array where an array is declared); form bodies are strings too;
 * JSON and text bodies are never coerced, so `"5"` for an integer is an
 * error, not a silent fix.
 */
export type ValidatorModule = "parameters" | "form-bodies" | "bodies";
export const VALIDATOR_MODULES: readonly ValidatorModule[] = ["parameters", "form-bodies", "bodies"];

/**
 * Above this many validators (request or response), compiling them in the
 * worker thread, in parallel with the other emitters, beats the worker's
 * start-up cost (~0.1 s; Stripe: ~400 body schemas, seconds of Ajv work);
 * below, they compile on the run's thread unless the run has a worker
 * anyway (the CLI's, started early).
 */
export const LARGE_VALIDATOR_COUNT = 100;

/** Export names of one operation's validators, as the routes emitter imports them. */
export type ValidatorNames = Partial<Record<ValidatorRole, { module: ValidatorModule; name: string }>>;

/**
 * Names the validators of each operation. Deterministic and independent of
 * compilation, so the routes emitter can import them without compiling.
 */
export function planValidators(operations: readonly OperationModel[]): Map<string, ValidatorNames> {
  const pools = Object.fromEntries(VALIDATOR_MODULES.map((module) => [module, new IdentifierPool()])) as Record<
    ValidatorModule,
    IdentifierPool
  >;
  const plan = new Map<string, ValidatorNames>();
  for (const operation of operations) {
    const names: ValidatorNames = {};
    const take = (role: ValidatorRole, module: ValidatorModule) => {
      names[role] = { module, name: pools[module].take(`${operation.operationId}_${role}`) };
    };
    if (operation.parameters.length > 0) take("parameters", "parameters");
    const media = operation.requestBody?.media ?? [];
    if (media.some((item) => item.kind === "json" && item.schema)) take("jsonBody", "bodies");
    if (media.some((item) => item.kind === "form" && item.schema)) take("formBody", "form-bodies");
    if (media.some((item) => item.kind === "text" && item.schema)) take("textBody", "bodies");
    plan.set(operation.operationId, names);
  }
  return plan;
}
