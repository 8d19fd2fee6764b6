import { stringifyYaml } from "@redocly/openapi-core";
import { compileResponseValidators, type ResponseValidatorSources } from "./compile-response-validators.js";
import { compileValidators, type ValidatorSources } from "./compile-validators.js";
import type { EmittedFile } from "./emitter.js";
import type { ValidatorModule } from "./validator-plan.js";

/**
 * The work a run may hand to its worker thread: pure functions of plain
 * (structured-cloneable) data, so the worker and this thread compute the same
 * result, byte for byte, whichever of them runs a job (see worker-pool.ts).
 */
export interface Jobs {
  /** Request validator modules: Ajv standalone code and declarations. */
  requestValidators(data: { sources: ValidatorSources; modules: readonly ValidatorModule[] }): EmittedFile[];
  /** The response validators' Ajv standalone code. */
  responseValidators(sources: ResponseValidatorSources): string;
  /**
   * The bundled contract as YAML, from its JSON text (`openapi.json`'s): a
   * string crosses threads in one copy, the document's object graph would be
   * cloned node by node. noRefs: a node reached twice is written twice, never
   * as a YAML anchor some tools refuse; lineWidth -1: no folding.
   */
  contractYaml(json: string): string;
}
export type JobKind = keyof Jobs;
export type JobData<K extends JobKind> = Parameters<Jobs[K]>[0];
export type JobResult<K extends JobKind> = ReturnType<Jobs[K]>;

export const JOBS: Jobs = {
  requestValidators: ({ sources, modules }) => compileValidators(sources, modules),
  responseValidators: (sources) => compileResponseValidators(sources),
  contractYaml: (json) => contractYamlOf(JSON.parse(json)),
};

/** The contract as YAML (see `Jobs.contractYaml`), from the document or from a parsed copy of its JSON. */
export function contractYamlOf(document: unknown): string {
  return stringifyYaml(document, { noRefs: true, lineWidth: -1 });
}
