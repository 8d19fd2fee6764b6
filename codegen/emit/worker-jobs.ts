import type { ResponseValidatorSources } from "./compile-response-validators.js";
import type { ValidatorSources } from "./compile-validators.js";
import type { EmittedFile } from "./emitted-file.js";
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
  /** openapi-typescript's `paths`, `components` and `operations` types of the contract, from its JSON text. */
  types(json: string): string;
}
export type JobKind = keyof Jobs;
export type JobData<K extends JobKind> = Parameters<Jobs[K]>[0];
export type JobResult<K extends JobKind> = ReturnType<Jobs[K]>;

/**
 * Each job's code, imported on first use: the libraries behind them are most
 * of the generator's start-up (TypeScript, which openapi-typescript prints
 * with, ~0.35 s; Ajv), and a thread that never runs a job never loads them.
 * The worker starts loading them all at once (pool-worker.ts), while this
 * thread loads and checks the spec.
 */
const LOADERS: { readonly [K in JobKind]: () => Promise<Jobs[K]> } = {
  requestValidators: async () => {
    const { compileValidators } = await import("./compile-validators.js");
    return ({ sources, modules }) => compileValidators(sources, modules);
  },
  responseValidators: async () => (await import("./compile-response-validators.js")).compileResponseValidators,
  contractYaml: async () => {
    const { contractYamlOf } = await import("./contract-yaml.js");
    // Named, as the other jobs' functions are: a CPU profile then shows the parse as the job's (scripts/profile-codegen.ts).
    return function contractYamlOfJson(json) {
      return contractYamlOf(JSON.parse(json));
    };
  },
  types: async () => {
    const { typesOf } = await import("./openapi-types.js");
    return function typesOfJson(json) {
      return typesOf(JSON.parse(json));
    };
  },
};

/** In the order the worker loads them: the types job is posted first (emit/index.ts). */
export const JOB_KINDS: readonly JobKind[] = ["types", "responseValidators", "requestValidators", "contractYaml"];

const loaded = new Map<JobKind, Promise<unknown>>();

/** A job's function, its module imported once per thread. */
export function loadJob<K extends JobKind>(kind: K): Promise<Jobs[K]> {
  let job = loaded.get(kind);
  if (!job) {
    job = LOADERS[kind]();
    loaded.set(kind, job);
  }
  return job as Promise<Jobs[K]>;
}
