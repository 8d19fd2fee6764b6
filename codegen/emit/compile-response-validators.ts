import { Ajv2020, type Options } from "ajv/dist/2020.js";
import standaloneCodeModule from "ajv/dist/standalone/index.js";
import addFormatsModule from "ajv-formats";
import type { JsonSchema } from "../schema/json-schema.js";
import { sourceOnly } from "./ajv-source-only.js";

// Both packages are CommonJS with `exports.default`; under NodeNext the default import is the module object.
const standaloneCode = standaloneCodeModule.default;
const addFormats = addFormatsModule.default;

/** Plain data (structured-cloneable), so compilation can run in a worker thread. */
export interface ResponseValidatorSources {
  /** Export name → schema, one per distinct response body schema. */
  readonly schemas: readonly (readonly [string, JsonSchema])[];
  /** `{ $id: "components", $defs }`: the component schemas the body schemas point into. */
  readonly components: JsonSchema;
  /** Every `format` used; unknown ones are registered as annotations. */
  readonly formats: readonly string[];
}

/**
 * Responses are checked, never changed: no coercion and no defaults, so a
 * body that passes is exactly the body that was sent.
 */
const AJV_OPTIONS: Options = {
  allErrors: true,
  useDefaults: false,
  coerceTypes: false,
  strict: false,
  // The spec was checked by Redocly already.
  validateSchema: false,
  // Each component schema becomes one function that every body calls, instead of a copy inlined at each `$ref`
  // (Ajv inlines every component without `$ref`s of its own): GitHub's responses 19.5 MB → 11 MB of code, ~25% less
  // Ajv time. Only the errors' `schemaPath` differs, which nothing reads.
  inlineRefs: false,
  code: { source: true, esm: true, lines: true, optimize: false, process: sourceOnly },
};

/** Ajv's ESM output still `require`s its runtime helpers and formats; give it a `require`. */
const ESM_REQUIRE_SHIM = 'import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\n';

/** Ajv standalone ES module code exporting one validator per schema (empty when there is none). */
export function compileResponseValidators(sources: ResponseValidatorSources): string {
  if (sources.schemas.length === 0) return "";
  const ajv = new Ajv2020(AJV_OPTIONS);
  addFormats(ajv);
  // Formats Ajv does not know (e.g. "unix-time") are annotations: accept any value.
  for (const format of sources.formats) if (!ajv.formats[format]) ajv.addFormat(format, true);
  ajv.addSchema(sources.components as object);
  for (const [name, schema] of sources.schemas) ajv.addSchema(schema as object, name);
  const code = standaloneCode(ajv, Object.fromEntries(sources.schemas.map(([name]) => [name, name])));
  const prefix = '"use strict";\n';
  return `${ESM_REQUIRE_SHIM}${code.startsWith(prefix) ? code.slice(prefix.length) : code}\n`;
}
