import type { ConvertContext } from "../../../codegen/schema/convert-schema.js";

/**
 * A conversion context for unit tests; records the components and formats
 * reported. The control-character rule is off unless a test turns it on, so
 * each table shows only the keywords it is about.
 */
export function testContext(overrides: Partial<ConvertContext> = {}): ConvertContext & { refs: string[]; formats: string[] } {
  const refs: string[] = [];
  const formats: string[] = [];
  return {
    openapiVersion: "3.1",
    refPrefix: "#/$defs/",
    openComponents: new Set(),
    onComponentRef: (name) => refs.push(name),
    onFormat: (format) => formats.push(format),
    refuseControlCharacters: false,
    ...overrides,
    refs,
    formats,
  };
}
