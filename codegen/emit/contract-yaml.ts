import { stringifyYaml } from "@redocly/openapi-core";

/** The contract as YAML (see `Jobs.contractYaml`), from the document or from a parsed copy of its JSON. */
export function contractYamlOf(document: unknown): string {
  return stringifyYaml(document, { noRefs: true, lineWidth: -1 });
}
