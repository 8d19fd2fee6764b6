import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = addFormatsModule.default;

/**
 * Compiles a self-contained JSON Schema 2020-12 (a capability's
 * `inputSchema`) the way an agent-side validator would: all errors reported,
 * standard formats checked. `strict` also makes Ajv refuse schemas with
 * ignored or ambiguous keywords.
 */
export function compile2020(schema: object, { strict = false }: { strict?: boolean } = {}) {
  const ajv = new Ajv2020({ allErrors: true, strict });
  addFormats(ajv);
  return ajv.compile(schema);
}
