import type { OpenApiDocument } from "../load/openapi-document.js";
import type { ApiModel } from "../model/operation-model.js";
import type { SchemaConverter } from "../schema/schema-converter.js";
import type { ContractJson } from "./contract-json.js";
import type { EmittedFile } from "./emitted-file.js";
import type { ValidatorNames } from "./validator-plan.js";
import type { WorkerPool } from "./worker-pool.js";

/** What every emitter gets: the model, the bundled document and the run's options. Built once per run. */
export interface EmitContext {
  readonly model: ApiModel;
  readonly document: OpenApiDocument;
  /** The document's JSON text (`openapi.json`), made on first use and shared. */
  readonly contractJson: ContractJson;
  /** Name of the SDK's client factory, e.g. `createCommerceClient`. */
  readonly clientFactoryName: string;
  /** npm name of the SDK package (`sdk/package.json`), e.g. `commerce-api-sdk`. */
  readonly sdkPackageName: string;
  /** Request schemas as JSON Schema, each component converted once for all emitters. */
  readonly converter: SchemaConverter;
  /** Response schemas as JSON Schema: the same conversion without the request-only input rules. */
  readonly responseConverter: SchemaConverter;
  /** Validator export names by operationId: validators emit them, routes import them. */
  readonly validatorPlan: ReadonlyMap<string, ValidatorNames>;
  /** This run's worker thread: validators, the types and the YAML contract are jobs for it (worker-pool.ts). */
  readonly jobs: WorkerPool;
}

export type { EmittedFile };

export type Emitter = (context: EmitContext) => readonly EmittedFile[] | Promise<readonly EmittedFile[]>;

/** The concepts we emit; the dispatch table in `index.ts` must have one emitter for each. */
export const EMITTED_CONCEPTS = [
  "types",
  "runtime",
  "routes",
  "validators",
  "responseValidators",
  "capabilities",
  "mcpTools",
  "sdk",
  "contract",
] as const;
export type EmittedConcept = (typeof EMITTED_CONCEPTS)[number];
