import { Ajv2020, type Options } from "ajv/dist/2020.js";
import standaloneCodeModule from "ajv/dist/standalone/index.js";
import addFormatsModule from "ajv-formats";
import type { OperationModel } from "../model/operation-model.js";
import type { JsonSchema } from "../schema/json-schema.js";
import { parametersSchema } from "../schema/operation-schemas.js";
import { SchemaConverter } from "../schema/schema-converter.js";
import type { EmitContext, EmittedFile, Emitter } from "./emitter.js";
import { IdentifierPool, GENERATED_HEADER } from "./ts-text.js";

// Both packages are CommonJS with `exports.default`; under NodeNext the default import is the module object.
const standaloneCode = standaloneCodeModule.default;
const addFormats = addFormatsModule.default;

/** Shared component schemas live in one schema with this id; operation schemas point into it. */
const COMPONENTS_ID = "components";

/** Which validator of an operation: its parameters, or its body for one body kind. */
export type ValidatorRole = "parameters" | "jsonBody" | "formBody" | "textBody";

/** Export names of one operation's validators, as the routes emitter must import them. */
export type ValidatorNames = Partial<Record<ValidatorRole, { module: ValidatorModule; name: string }>>;

/**
 * Two Ajv instances, two modules: query/path/header values (and form bodies)
 * arrive as strings and are coerced per schema; JSON bodies are not coerced,
 * so `"5"` for an integer is an error, not a silent fix.
 */
export type ValidatorModule = "coercing" | "strict";

const BASE_OPTIONS: Options = {
  allErrors: true,
  useDefaults: true,
  strict: false,
  // The spec was checked by Redocly already; meta-validating every schema again only costs time.
  validateSchema: false,
  code: { source: true, esm: true, lines: true, optimize: 1 },
  ...(process.env.AJVX ? JSON.parse(process.env.AJVX) : {}),
};

/**
 * Names the validators of each operation. Deterministic and independent of
 * compilation, so the routes emitter can import them without compiling.
 */
export function planValidators(operations: readonly OperationModel[]): Map<string, ValidatorNames> {
  const pools: Record<ValidatorModule, IdentifierPool> = { coercing: new IdentifierPool(), strict: new IdentifierPool() };
  const plan = new Map<string, ValidatorNames>();
  for (const operation of operations) {
    const names: ValidatorNames = {};
    const take = (role: ValidatorRole, module: ValidatorModule) => {
      names[role] = { module, name: pools[module].take(`${operation.operationId}_${role}`) };
    };
    if (operation.parameters.length > 0) take("parameters", "coercing");
    const media = operation.requestBody?.media ?? [];
    if (media.some((item) => item.kind === "json" && item.schema)) take("jsonBody", "strict");
    if (media.some((item) => item.kind === "form" && item.schema)) take("formBody", "coercing");
    if (media.some((item) => item.kind === "text" && item.schema)) take("textBody", "strict");
    plan.set(operation.operationId, names);
  }
  return plan;
}

const BODY_KIND_BY_ROLE = { jsonBody: "json", formBody: "form", textBody: "text" } as const;

/**
 * `validators/coercing.js` and `validators/strict.js`: request validators
 * compiled ahead of time with Ajv's standalone code generation, so the
 * server never compiles a schema at start. Each comes with a `.d.ts`.
 */
export const emitValidators: Emitter = (context: EmitContext) => {
  const converter = new SchemaConverter(context.model);
  const refPrefix = `${COMPONENTS_ID}#/$defs/`;
  const plan = planValidators(context.model.operations);
  const schemas: Record<ValidatorModule, Map<string, JsonSchema>> = { coercing: new Map(), strict: new Map() };
  const components = new Set<string>();

  for (const operation of context.model.operations) {
    for (const [role, target] of Object.entries(plan.get(operation.operationId) ?? {}) as [ValidatorRole, { module: ValidatorModule; name: string }][]) {
      const schema =
        role === "parameters"
          ? parametersSchema(operation, converter, refPrefix, components)
          : bodySchema(operation, BODY_KIND_BY_ROLE[role], converter, refPrefix, components);
      if (schema !== undefined) schemas[target.module].set(target.name, schema);
    }
  }

  const defs = { $id: COMPONENTS_ID, $defs: converter.defs(components) };
  return (["coercing", "strict"] as const).flatMap((module) => compileModule(module, schemas[module], defs, converter.formats));
};

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
  converted.components.forEach((name) => components.add(name));
  return converted.schema;
}

function compileModule(
  module: ValidatorModule,
  schemas: Map<string, JsonSchema>,
  defs: JsonSchema,
  formats: ReadonlySet<string>,
): EmittedFile[] {
  const ajv = new Ajv2020({ ...BASE_OPTIONS, coerceTypes: module === "coercing" ? "array" : false, ...(process.env.AJVY ? JSON.parse(process.env.AJVY) : {}) });
  addFormats(ajv);
  for (const format of [...formats].sort()) {
    // Formats Ajv does not know (e.g. "unix-time") are annotations: accept any value.
    if (!ajv.formats[format]) ajv.addFormat(format, true);
  }
  ajv.addSchema(defs as object);
  const exports: Record<string, string> = {};
  for (const [name, schema] of schemas) {
    ajv.addSchema(schema as object, name);
    exports[name] = name;
  }
  const code = schemas.size > 0 ? standaloneCode(ajv, exports) : "export {};\n";
  const names = [...schemas.keys()];
  return [
    { path: `validators/${module}.js`, contents: `${GENERATED_HEADER}${ESM_REQUIRE_SHIM}${stripUseStrict(code)}` },
    { path: `validators/${module}.d.ts`, contents: declarations(names) },
  ];
}

/** Ajv's ESM output still `require`s its runtime helpers and formats; give it a `require`. */
const ESM_REQUIRE_SHIM = 'import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\n';

function stripUseStrict(code: string): string {
  const prefix = '"use strict";\n';
  return code.startsWith(prefix) ? code.slice(prefix.length) : code;
}

function declarations(names: readonly string[]): string {
  const lines = [GENERATED_HEADER, 'import type { ValidateFunction } from "../runtime.js";', ""];
  for (const name of names) lines.push(`export declare const ${name}: ValidateFunction;`);
  if (names.length === 0) lines.push("export {};");
  return `${lines.join("\n")}\n`;
}
