import type { OperationModel } from "../model/operation-model.js";
import { hoistSharedSubschemas } from "../schema/hoist-shared-subschemas.js";
import type { JsonSchema } from "../schema/json-schema.js";
import { parametersSchema } from "../schema/operation-schemas.js";
import type { SchemaConverter } from "../schema/schema-converter.js";
import type { ValidatorSources } from "./compile-validators.js";
import type { EmitContext, Emitter } from "./emitter.js";
import { emptyValidatorModule } from "./validator-files.js";
import {
  LARGE_VALIDATOR_COUNT,
  VALIDATOR_MODULES,
  type ValidatorModule,
  type ValidatorNames,
  type ValidatorRole,
} from "./validator-plan.js";

/** Shared component schemas live in one schema with this id; operation schemas point into it. */
const COMPONENTS_ID = "components";
const BODY_KIND_BY_ROLE = { jsonBody: "json", formBody: "form", textBody: "text" } as const;

/**
 * `validators/*.js`: request validators compiled ahead of time with Ajv's
 * standalone code generation, so the server never compiles a schema at start.
 * Schemas are converted here. Each module is a job of the run's worker pool
 * (Ajv's work, `npm run profile:codegen` on the 2-core machine: GitHub
 * ~0.56 s, Stripe ~0.75 s of CPU), compiled in parallel with the other
 * emitters.
 */
export const emitValidators: Emitter = async (context: EmitContext) => {
  const sources = prepareSources(context.model.operations, context.converter, context.validatorPlan);
  const count = VALIDATOR_MODULES.reduce((sum, module) => sum + sources.modules[module].length, 0);
  // One job per module (each its own Ajv instance): smaller pieces balance better between the two threads.
  const modules = VALIDATOR_MODULES.filter((module) => sources.modules[module].length > 0);
  const empty = VALIDATOR_MODULES.filter((module) => !modules.includes(module)).flatMap(emptyValidatorModule);
  const compiled = await Promise.all(postModules(context.jobs, sources, modules, count > LARGE_VALIDATOR_COUNT));
  return [...empty, ...compiled.flat()];
};

/** One job per module. A function of its own: no closure of emitValidators holds the sources while they compile. */
function postModules(jobs: EmitContext["jobs"], sources: ValidatorSources, modules: readonly ValidatorModule[], large: boolean) {
  return modules.map((module) => jobs.run("requestValidators", { sources: only(sources, module), modules: [module] }, { large }));
}

/** The sources one module's compilation reads: the components, the formats and its own schemas. */
function only(sources: ValidatorSources, module: ValidatorModule): ValidatorSources {
  const modules = Object.fromEntries(VALIDATOR_MODULES.map((name) => [name, name === module ? sources.modules[name] : []]));
  return { ...sources, modules: modules as ValidatorSources["modules"] };
}

function prepareSources(
  operations: readonly OperationModel[],
  converter: SchemaConverter,
  plan: ReadonlyMap<string, ValidatorNames>,
): ValidatorSources {
  const refPrefix = `${COMPONENTS_ID}#/$defs/`;
  const modules = Object.fromEntries(VALIDATOR_MODULES.map((module) => [module, [] as [string, JsonSchema][]])) as Record<
    ValidatorModule,
    [string, JsonSchema][]
  >;
  const components = new Set<string>();
  for (const operation of operations) {
    for (const [role, target] of Object.entries(plan.get(operation.operationId) ?? {}) as [
      ValidatorRole,
      { module: ValidatorModule; name: string },
    ][]) {
      const schema =
        role === "parameters"
          ? parametersSchema(operation, converter, refPrefix, components)
          : bodySchema(operation, BODY_KIND_BY_ROLE[role], converter, refPrefix, components);
      if (schema !== undefined) modules[target.module].push([target.name, schema]);
    }
  }
  const defs = converter.defs(components);
  const hoisted = hoistShared(modules, defs, refPrefix);
  return {
    modules: hoisted,
    components: { $id: COMPONENTS_ID, $defs: defs },
    formats: [...converter.formats].sort(),
  };
}

/** Moves repeated subschemas of all operation schemas into `defs` (see hoistSharedSubschemas). */
function hoistShared(
  modules: Record<ValidatorModule, [string, JsonSchema][]>,
  defs: Record<string, JsonSchema>,
  refPrefix: string,
): Record<ValidatorModule, [string, JsonSchema][]> {
  const entries = VALIDATOR_MODULES.flatMap((module) => modules[module].map(([name, schema]) => ({ module, name, schema })));
  const nameFor = (index: number) => {
    let name = `__shared${index}`;
    while (name in defs) name = `_${name}`;
    return name;
  };
  const { schemas, shared } = hoistSharedSubschemas(
    entries.map((entry) => entry.schema),
    refPrefix,
    nameFor,
  );
  Object.assign(defs, shared);
  const result = Object.fromEntries(VALIDATOR_MODULES.map((module) => [module, [] as [string, JsonSchema][]])) as Record<
    ValidatorModule,
    [string, JsonSchema][]
  >;
  for (const [index, entry] of entries.entries()) result[entry.module].push([entry.name, schemas[index]!]);
  return result;
}

function bodySchema(
  operation: OperationModel,
  kind: "json" | "form" | "text",
  converter: SchemaConverter,
  refPrefix: string,
  components: Set<string>,
): JsonSchema | undefined {
  const media = operation.requestBody?.media.find((item) => item.kind === kind && item.schema);
  if (!media?.schema) return undefined;
  const converted = converter.convert(media.schema, refPrefix);
  for (const name of converted.components) components.add(name);
  return converted.schema;
}
