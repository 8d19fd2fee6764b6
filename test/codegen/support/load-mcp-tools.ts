import type { GenerateOptions, GenerateResult } from "../../../codegen/generate.js";
import type { CapabilityRegistry } from "./load-capabilities.js";
import { generateInto, importGenerated } from "./write-generated.js";

/** One entry of a generated `mcp-tools.ts`, as the tests read it. */
export interface McpToolDefinition {
  readonly operationId: string;
  readonly scope: string;
  readonly changesData: boolean;
  readonly autoGrant: boolean;
  readonly output: { readonly mode: "none" | "body" | "wrapped"; readonly property?: string };
  readonly tool: {
    readonly name: string;
    readonly title?: string;
    readonly description: string;
    readonly inputSchema: Record<string, unknown>;
    readonly outputSchema?: Record<string, unknown>;
    readonly annotations: {
      readonly title?: string;
      readonly readOnlyHint: boolean;
      readonly destructiveHint: boolean;
      readonly idempotentHint: boolean;
      readonly openWorldHint: boolean;
    };
  };
}

export interface McpToolList {
  readonly mcpTools: readonly McpToolDefinition[];
  readonly mcpToolsByName: ReadonlyMap<string, McpToolDefinition>;
}

/**
 * Generates `options.specPath` into `dir` and imports its `mcp-tools.ts` and
 * the `capabilities.ts` it reads from. One `dir` per spec and test file: a
 * module is imported once per path.
 */
export async function loadMcpTools(
  dir: string,
  options: GenerateOptions,
): Promise<McpToolList & { registry: CapabilityRegistry; result: GenerateResult }> {
  const result = await generateInto(dir, options);
  const tools = await importGenerated<McpToolList>(dir, "mcp-tools.ts");
  const registry = await importGenerated<CapabilityRegistry>(dir, "capabilities.ts");
  return { ...tools, registry, result };
}
