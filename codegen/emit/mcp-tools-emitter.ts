import type CodeBlockWriter from "code-block-writer";
import type { OperationModel } from "../model/operation-model.js";
import { toolHints } from "../model/tool-annotations.js";
import type { JsonSchema, JsonValue } from "../schema/json-schema.js";
import { defsRefTarget } from "../schema/schema-converter.js";
import { type ToolOutput, toolOutput, WRAPPED_RESULT_PROPERTY } from "../schema/tool-output.js";
import type { Emitter } from "./emitter.js";
import { jsonWriterText, writeJsonValue, writeMarkedLine } from "./json-text.js";
import { createWriter, GENERATED_HEADER, memberAccess, propertyKey, quote, writeBraced } from "./ts-text.js";

/**
 * `mcp-tools.ts`: one MCP tool per operation (OpenAPI `paths` → operations,
 * with their `x-agent-*` rules and success `responses`), as plain data for
 * an MCP server's `tools/list` and `tools/call`, sorted by name:
 *
 * - `name` is the operationId and `description` the capability's, so a tool
 *   and a capability are the same thing under two protocols;
 * - `inputSchema` is the capability's flat argument schema itself (a
 *   reference into `capabilities.ts`: what `capability/execute` validates);
 * - `outputSchema` comes from the success body (see toolOutput for bodies
 *   that are not objects), each distinct one written once;
 * - `annotations` are stated in full (see toolHints for where each comes from).
 *
 * Beside each tool: the facts the server needs (scope, grant, whether it
 * changes data, how the structured result carries the body). No MCP SDK is
 * imported: the types mirror the spec's `Tool`.
 */
export const emitMcpTools: Emitter = ({ model, responseConverter }) => {
  const operations = [...model.operations].sort((a, b) => compare(a.operationId, b.operationId));
  const outputs = new Map(operations.map((operation) => [operation.operationId, toolOutput(operation, responseConverter)]));
  const schemaNames = nameOutputSchemas(operations, outputs);
  const writer = createWriter();
  writer.write(GENERATED_HEADER).newLine();
  writer
    .writeLine(`/*
 * MCP tools: one per operation of the contract, sorted by name (the operationId).
 * - inputSchema: the capability's flat arguments (capabilities.ts), what capability/execute validates.
 * - outputSchema: the success body's schema with \`type: "object"\` at its root; a body that is not
 *   an object is wrapped as { ${WRAPPED_RESULT_PROPERTY}: <body> }; no schema when a success has no JSON body.
 * - annotations: readOnlyHint for GET/HEAD/OPTIONS; destructiveHint from x-agent-destructive (default:
 *   DELETE); idempotentHint for idempotent methods and a required Idempotency-Key; openWorldHint false.
 */`)
    .blankLine();
  writer.writeLine('import { type CapabilityName, type CapabilityScope, capabilities } from "./capabilities.js";').blankLine();
  writeTypes(writer);

  writeOutputSchemas(writer, schemaNames.schemas);

  writer.writeLine(
    "/** One tool, checked against McpToolDefinition where it is written: an array of a thousand object literals is too complex a union for tsc (GitHub's description). */",
  );
  writer.writeLine("function defineTool(definition: McpToolDefinition): McpToolDefinition {");
  writer.indent(() => writer.writeLine("return definition;"));
  writer.writeLine("}").blankLine();
  writer.writeLine("/** Every operation of the contract as a tool, sorted by name. */");
  writer.writeLine("export const mcpTools: readonly McpToolDefinition[] = [");
  writer.indent(() => {
    for (const operation of operations) {
      const output = outputs.get(operation.operationId)!;
      writeTool(writer, operation, output, schemaNames.byOperation.get(operation.operationId));
    }
  });
  writer.writeLine("];").blankLine();

  writer.writeLine("/** The tools by name, for `tools/call`. */");
  writer.writeLine(
    "export const mcpToolsByName: ReadonlyMap<string, McpToolDefinition> = new Map(mcpTools.map((definition) => [definition.tool.name, definition]));",
  );
  return [{ path: "mcp-tools.ts", contents: jsonWriterText(writer) }];
};

/**
 * The output schemas, each distinct one once, and the components they use,
 * each written once too: a schema's `$defs` lists references to
 * `outputDefinitions` instead of copies, so a large contract (Stripe's: 468
 * operations sharing hundreds of components) emits each component once
 * rather than once per schema (133 MB of TypeScript before, too much for tsc).
 * The objects `tools/list` sends are the same; only the source is smaller.
 */
function writeOutputSchemas(writer: CodeBlockWriter, schemas: ReadonlyMap<string, JsonSchema>): void {
  const definitions = new Map<string, JsonValue>();
  for (const schema of schemas.values()) {
    for (const [name, definition] of Object.entries(defsOf(schema))) definitions.set(name, definition);
  }
  writer.writeLine("/** The components the output schemas refer to (`#/$defs/<name>`), each once. */");
  writeBraced(
    writer,
    "const outputDefinitions: { readonly [name: string]: unknown } =",
    () => {
      for (const name of [...definitions.keys()].sort(compare)) {
        writer.write(`${propertyKey(name)}: `);
        writeJsonValue(writer, definitions.get(name));
        writer.write(",").newLine();
      }
    },
    ";",
  );
  writer.blankLine();
  writer.writeLine(
    "/** Output schemas of the tools, each distinct one once: by the component the success body is, else by the first tool's name. */",
  );
  writeBraced(
    writer,
    "const outputSchemas =",
    () => {
      for (const [name, schema] of schemas) {
        writeBraced(writer, `${propertyKey(name)}:`, () => {
          for (const [keyword, value] of Object.entries(schema as Record<string, JsonValue>)) {
            if (keyword === "$defs") continue;
            writer.write(`${quote(keyword)}: `);
            writeJsonValue(writer, value);
            writer.write(",").newLine();
          }
          const names = Object.keys(defsOf(schema)).sort(compare);
          if (names.length > 0)
            writeMarkedLine(
              writer,
              `"$defs": { ${names.map((item) => `${propertyKey(item)}: ${memberAccess("outputDefinitions", item)}`).join(", ")} },`,
            );
        });
      }
    },
    " satisfies { readonly [name: string]: McpObjectSchema };",
  );
  writer.blankLine();
}

/** The `$defs` of an output schema (empty when it uses no component). */
function defsOf(schema: JsonSchema): Record<string, JsonValue> {
  if (typeof schema !== "object" || schema === null) return {};
  const defs = (schema as Record<string, JsonValue>).$defs;
  return typeof defs === "object" && defs !== null && !Array.isArray(defs) ? (defs as Record<string, JsonValue>) : {};
}

function writeTypes(writer: CodeBlockWriter): void {
  writer.writeLine(`/** A JSON Schema (2020-12) whose instances are objects, as MCP requires of a tool's input and output schemas. */
export interface McpObjectSchema {
  readonly type: "object";
  readonly [keyword: string]: unknown;
}

/** How a tool behaves (MCP \`ToolAnnotations\`); every hint is stated, MCP's defaults for absent ones assume the worst. */
export interface McpToolAnnotations {
  /** Display name, for clients that read it here rather than from \`Tool.title\`. */
  readonly title?: string;
  /** GET, HEAD or OPTIONS: the tool changes nothing. */
  readonly readOnlyHint: boolean;
  /** May remove or irreversibly give away something (\`x-agent-destructive\`; default: DELETE). */
  readonly destructiveHint: boolean;
  /** Calling again with the same arguments has no further effect: an idempotent method, or a required \`Idempotency-Key\`. */
  readonly idempotentHint: boolean;
  /** Always false: the tools act on this store's data only. */
  readonly openWorldHint: boolean;
}

/** A tool as MCP's \`tools/list\` describes it (the spec's \`Tool\`). */
export interface McpTool {
  /** The operationId, which is also the capability name. */
  readonly name: CapabilityName;
  /** The operation's summary. */
  readonly title?: string;
  /** Summary and description of the operation, as in the capability list. */
  readonly description: string;
  /** The capability's flat arguments: what \`capability/execute\` validates. */
  readonly inputSchema: McpObjectSchema;
  /** The structured result, when every success has a JSON body (see \`McpToolDefinition.output\`). */
  readonly outputSchema?: McpObjectSchema;
  readonly annotations: McpToolAnnotations;
}

/**
 * How a call's structured result carries the operation's success body:
 * \`body\`: it is the body (an object); \`wrapped\`: the body is its one property \`${WRAPPED_RESULT_PROPERTY}\`
 * (arrays, scalars, compositions); \`none\`: no structured result (some success has no JSON body).
 */
export type McpToolOutput =
  | { readonly mode: "none" }
  | { readonly mode: "body" }
  | { readonly mode: "wrapped"; readonly property: ${quote(WRAPPED_RESULT_PROPERTY)} };

/** A tool and what the server needs to run it. */
export interface McpToolDefinition {
  /** What \`tools/list\` sends, as is. */
  readonly tool: McpTool;
  /** The operation (and capability) the tool runs. */
  readonly operationId: CapabilityName;
  /** \`x-agent-scope\` of the operation. */
  readonly scope: CapabilityScope;
  /** Whether a call may change data (any method but GET, HEAD and OPTIONS). */
  readonly changesData: boolean;
  /** Granted to agents without a merchant's approval (\`x-agent-auto-grant\`). */
  readonly autoGrant: boolean;
  readonly output: McpToolOutput;
}
`);
}

function writeTool(writer: CodeBlockWriter, operation: OperationModel, output: ToolOutput, schemaName: string | undefined): void {
  const id = operation.operationId;
  const hints = toolHints(operation);
  const title = operation.summary?.trim();
  writer.writeLine("defineTool({");
  writer.indent(() => {
    writer.writeLine(`operationId: ${quote(id)},`);
    writer.writeLine(`scope: ${quote(operation.agent.scope)},`);
    writer.writeLine(`changesData: ${!hints.readOnlyHint},`);
    writer.writeLine(`autoGrant: ${operation.agent.autoGrant},`);
    writer.writeLine(`output: ${outputLiteral(output)},`);
    writeBraced(writer, "tool:", () => {
      writer.writeLine(`name: ${quote(id)},`);
      if (title) writer.writeLine(`title: ${quote(title)},`);
      writer.writeLine(`description: ${memberAccess("capabilities", id)}.description,`);
      writer.writeLine(`inputSchema: ${memberAccess("capabilities", id)}.inputSchema,`);
      if (schemaName !== undefined) writer.writeLine(`outputSchema: ${memberAccess("outputSchemas", schemaName)},`);
      const annotations = [
        ...(title ? [`title: ${quote(title)}`] : []),
        ...Object.entries(hints).map(([hint, value]) => `${hint}: ${value}`),
      ];
      writer.writeLine(`annotations: { ${annotations.join(", ")} },`);
    });
  });
  writer.writeLine("}),");
}

function outputLiteral(output: ToolOutput): string {
  switch (output.mode) {
    case "none":
      return `{ mode: "none" }`;
    case "body":
      return `{ mode: "body" }`;
    case "wrapped":
      return `{ mode: "wrapped", property: ${quote(output.property)} }`;
  }
}

/**
 * Names each distinct output schema once: after the component a body is
 * (`Product`), otherwise after the first tool that has it; a name already
 * taken by another schema gets a number (`Product_2`).
 */
function nameOutputSchemas(
  operations: readonly OperationModel[],
  outputs: ReadonlyMap<string, ToolOutput>,
): { schemas: Map<string, JsonSchema>; byOperation: Map<string, string> } {
  const schemas = new Map<string, JsonSchema>();
  const nameByText = new Map<string, string>();
  const byOperation = new Map<string, string>();
  for (const operation of operations) {
    const output = outputs.get(operation.operationId)!;
    if (output.mode === "none") continue;
    const text = JSON.stringify(withoutDefs(output.schema));
    let name = nameByText.get(text);
    if (name === undefined) {
      const base = (output.mode === "body" && componentOf(output.schema)) || operation.operationId;
      name = base;
      for (let suffix = 2; schemas.has(name); suffix++) name = `${base}_${suffix}`;
      nameByText.set(text, name);
      schemas.set(name, output.schema);
    }
    byOperation.set(operation.operationId, name);
  }
  return { schemas, byOperation };
}

/**
 * The schema without its `$defs`: a key that tells output schemas apart. The
 * `$defs` are the closure of the components the rest refers to (same
 * converter), so they add nothing to tell apart, and writing them out for
 * every tool cost ~1 s on Stripe's spec (each holds hundreds of components).
 */
function withoutDefs(schema: JsonSchema): JsonSchema {
  if (typeof schema !== "object" || schema === null || !("$defs" in schema)) return schema;
  const { $defs: _defs, ...rest } = schema as Record<string, JsonValue>;
  return rest as JsonSchema;
}

/** `Product` for an output schema whose root is `$ref: "#/$defs/Product"`. */
function componentOf(schema: JsonSchema): string | undefined {
  if (typeof schema !== "object" || typeof schema.$ref !== "string") return undefined;
  const target = defsRefTarget(schema.$ref);
  return target?.whole ? target.name : undefined;
}

/** Code-unit order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
