import { contractJson } from "./emit/contract-json.js";
import type { EmittedFile } from "./emit/emitter.js";
import { emitAll } from "./emit/index.js";
import type { JobCache } from "./emit/job-cache.js";
import { defaultSdkPackageName } from "./emit/sdk-package.js";
import { planValidators } from "./emit/validator-plan.js";
import { createWorkerPool, type WorkerPool } from "./emit/worker-pool.js";
import { type SpecError, SpecErrors } from "./errors.js";
import { dedupeSpecErrors, loadSpec } from "./load/load-spec.js";
import { buildModel } from "./model/build-model.js";
import type { OperationModel } from "./model/operation-model.js";
import { SchemaConverter } from "./schema/schema-converter.js";

export interface GenerateOptions {
  /** Path of the root OpenAPI document. */
  readonly specPath: string;
  /** Scope of operations without `x-agent-scope`. */
  readonly defaultScope?: string;
  /** Name of the SDK's client factory. */
  readonly clientFactoryName?: string;
  /** npm name of the SDK package; default from the spec's title (`Commerce API` → `commerce-api-sdk`). */
  readonly sdkPackageName?: string;
  /** Results of former runs' worker jobs (validators, types, YAML); the CLI's lives in the output directory. */
  readonly jobCache?: JobCache;
  /**
   * Start the worker thread before reading the spec and give it every job
   * (worker-pool.ts): it loads TypeScript and Ajv while this thread reads and
   * checks the spec. The CLI does; a caller generating many small specs in
   * one process (tests) need not pay a thread per run.
   */
  readonly startWorkerEarly?: boolean;
}

export interface GenerateResult {
  readonly files: readonly EmittedFile[];
  readonly warnings: readonly string[];
  readonly operationCount: number;
  /** The operation model (e.g. for `--scaffold`). */
  readonly operations: readonly OperationModel[];
  /** Absolute paths of the spec's files: the root and every file it `$ref`s. */
  readonly specFiles: readonly string[];
}

/**
 * The whole pipeline, in memory: load + validate + bundle → operation model →
 * emitters. Writes nothing (only the CLI touches files), so a failing spec
 * leaves the output directory as it was. A spec's problems are thrown
 * together (SpecErrors): the linter's, the bundler's and the model's.
 *
 * @example
 * const { files } = await generate({ specPath: "openapi/commerce.yaml" });
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const jobs = createWorkerPool({ cache: options.jobCache, startNow: options.startWorkerEarly });
  try {
    return await generateWith(options, jobs);
  } finally {
    await jobs.close();
  }
}

async function generateWith(options: GenerateOptions, jobs: WorkerPool): Promise<GenerateResult> {
  const spec = await loadSpec(options.specPath);
  const errors: SpecError[] = [...spec.errors];
  let model: ReturnType<typeof buildModel> | undefined;
  try {
    model = buildModel(spec, { agentDefaults: { scope: options.defaultScope ?? "storefront" } });
  } catch (error) {
    if (error instanceof SpecErrors) errors.push(...error.problems);
    // A document the linter already refused can trip the model builder on its way; the linter's findings explain it.
    else if (errors.length === 0) throw error;
  }
  if (errors.length > 0 || !model) throw new SpecErrors(dedupeSpecErrors(errors), spec.files);
  const files = await emitAll({
    model,
    document: spec.document,
    contractJson: contractJson(spec.document),
    clientFactoryName: options.clientFactoryName ?? "createCommerceClient",
    sdkPackageName: options.sdkPackageName ?? defaultSdkPackageName(model.title),
    converter: new SchemaConverter(model),
    responseConverter: new SchemaConverter(model, { refuseControlCharacters: false }),
    validatorPlan: planValidators(model.operations),
    jobs,
  });
  return { files, warnings: model.warnings, operationCount: model.operations.length, operations: model.operations, specFiles: spec.files };
}
