import { Ajv2020, type Options } from "ajv/dist/2020.js";
import standaloneCodeModule from "ajv/dist/standalone/index.js";
import addFormatsModule from "ajv-formats";
import type { JsonSchema } from "../schema/json-schema.js";
import { sourceOnly } from "./ajv-source-only.js";
import type { EmittedFile } from "./emitted-file.js";
import { GENERATED_HEADER } from "./ts-text.js";
import { emptyValidatorModule, validatorDeclarations } from "./validator-files.js";
import { VALIDATOR_MODULES, type ValidatorModule } from "./validator-plan.js";

// Both packages are CommonJS with `exports.default`; under NodeNext the default import is the module object.
const standaloneCode = standaloneCodeModule.default;
const addFormats = addFormatsModule.default;

/** Plain data (structured-cloneable), so compilation can run in a worker thread. */
export interface ValidatorSources {
  /** Export name → schema, per module. */
  readonly modules: Readonly<Record<ValidatorModule, readonly (readonly [string, JsonSchema])[]>>;
  /** `{ $id: "components", $defs }`: the component schemas the operation schemas point into. */
  readonly components: JsonSchema;
  /** Every `format` used; unknown ones are registered as annotations. */
  readonly formats: readonly string[];
}

const COERCION: Record<ValidatorModule, Options["coerceTypes"]> = {
  parameters: "array",
  "form-bodies": true,
  bodies: false,
};

const BASE_OPTIONS: Options = {
  allErrors: true,
  useDefaults: true,
  strict: false,
  // The spec was checked by Redocly already; meta-validating every schema again only costs time.
  validateSchema: false,
  // Ajv's optimiser pass costs ~40% of compile time on large specs (Stripe: 2.1 s → 1.3 s) and only trims unused names.
  code: { source: true, esm: true, lines: true, optimize: false, process: sourceOnly },
};

/** Ajv's ESM output still `require`s its runtime helpers and formats; give it a `require`. */
const ESM_REQUIRE_SHIM = 'import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\n';

/**
 * Compiles every validator module with Ajv's standalone code generation:
 * `validators/<module>.js` plus a `.d.ts` naming its exports.
 */
export function compileValidators(sources: ValidatorSources, modules: readonly ValidatorModule[] = VALIDATOR_MODULES): EmittedFile[] {
  return modules.flatMap((module) => compileModule(module, sources));
}

function compileModule(module: ValidatorModule, sources: ValidatorSources): EmittedFile[] {
  const schemas = sources.modules[module];
  if (schemas.length === 0) return emptyValidatorModule(module);
  const names = schemas.map(([name]) => name);
  const ajv = new Ajv2020({ ...BASE_OPTIONS, coerceTypes: COERCION[module] });
  addFormats(ajv);
  for (const format of sources.formats) {
    // Formats Ajv does not know (e.g. "unix-time") are annotations: accept any value.
    if (!ajv.formats[format]) ajv.addFormat(format, true);
  }
  ajv.addSchema(sources.components as object);
  const { unique, aliases } = distinctSchemas(schemas);
  for (const [name, schema] of unique) ajv.addSchema(schema as object, name);
  let code = ESM_REQUIRE_SHIM + withoutUseStrict(standaloneCode(ajv, Object.fromEntries(unique.map(([name]) => [name, name]))));
  for (const [alias, name] of aliases) code += `export const ${alias} = ${name};\n`;
  return [
    { path: `validators/${module}.js`, contents: `${GENERATED_HEADER}${code}` },
    { path: `validators/${module}.d.ts`, contents: validatorDeclarations(names) },
  ];
}

/**
 * Identical schemas compile once: later ones become aliases of the first
 * (same module, so same Ajv options: they validate, coerce and fill defaults
 * alike). Large specs repeat whole parameter lists (GitHub's `owner`, `repo`,
 * `per_page`, `page` on hundreds of operations: 1,187 parameter schemas, 416
 * distinct, half the Ajv time and code).
 */
function distinctSchemas(schemas: readonly (readonly [string, JsonSchema])[]): {
  unique: (readonly [string, JsonSchema])[];
  aliases: [alias: string, name: string][];
} {
  const firstByText = new Map<string, string>();
  const unique: (readonly [string, JsonSchema])[] = [];
  const aliases: [string, string][] = [];
  for (const entry of schemas) {
    const text = JSON.stringify(entry[1]);
    const first = firstByText.get(text);
    if (first === undefined) {
      firstByText.set(text, entry[0]);
      unique.push(entry);
    } else aliases.push([entry[0], first]);
  }
  return { unique, aliases };
}

/** ES modules are strict already. */
function withoutUseStrict(code: string): string {
  const prefix = '"use strict";\n';
  return code.startsWith(prefix) ? code.slice(prefix.length) : code;
}
