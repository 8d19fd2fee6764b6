import { emitAll } from "./emit/index.js";
import type { EmittedFile } from "./emit/emitter.js";
import { loadSpec } from "./load/load-spec.js";
import { planValidators } from "./emit/validator-plan.js";
import { buildModel } from "./model/build-model.js";
import { SchemaConverter } from "./schema/schema-converter.js";

export interface GenerateOptions {
  /** Path of the root OpenAPI document. */
  readonly specPath: string;
  /** Scope of operations without `x-agent-scope`. */
  readonly defaultScope?: string;
  /** Name of the SDK's client factory. */
  readonly clientFactoryName?: string;
}

export interface GenerateResult {
  readonly files: readonly EmittedFile[];
  readonly warnings: readonly string[];
  readonly operationCount: number;
}

/**
 * The whole pipeline, in memory: load + validate + bundle → operation model →
 * emitters. Writes nothing (only the CLI touches files), so a failing spec
 * leaves the output directory as it was.
 *
 * @example
 * const { files } = await generate({ specPath: "openapi/commerce.yaml" });
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const spec = await loadSpec(options.specPath);
  const model = buildModel(spec, { agentDefaults: { scope: options.defaultScope ?? "storefront" } });
  const files = await emitAll({
    model,
    document: spec.document,
    clientFactoryName: options.clientFactoryName ?? "createCommerceClient",
    converter: new SchemaConverter(model),
    validatorPlan: planValidators(model.operations),
  });
  return { files, warnings: model.warnings, operationCount: model.operations.length };
}
