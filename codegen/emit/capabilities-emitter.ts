import type CodeBlockWriter from "code-block-writer";
import type { OperationModel } from "../model/operation-model.js";
import { type BodyArguments, capabilityInput } from "../schema/capability-input.js";
import type { SchemaConverter } from "../schema/schema-converter.js";
import type { Emitter } from "./emitter.js";
import { jsonWriterText, writeJsonValue } from "./json-text.js";
import { createWriter, GENERATED_HEADER, propertyKey, quote, writeBraced } from "./ts-text.js";

/**
 * `capabilities.ts`: the agent capability registry. Every operationId is a
 * capability carrying its `x-agent-*` rules (defaults applied), a description
 * and one self-contained JSON Schema (2020-12) for its flat arguments
 * (parameters and top-level body fields side by side, see capabilityInput
 * for the collision rule), with what execute needs to map them back onto
 * the HTTP request. The agent-auth plugin is fed from this file.
 */
export const emitCapabilities: Emitter = ({ model, converter }) => {
  const operations = model.operations;
  const scopes = [...new Set(operations.map((operation) => operation.agent.scope))].sort();
  const writer = createWriter();
  writer.write(GENERATED_HEADER).newLine();

  // The names an agent needs too live in the SDK package (sdk/capabilities.ts); the registry re-exports them.
  writer.writeLine('import type { CapabilityName } from "./sdk/capabilities.js";');
  writer.writeLine('export { autoGrantedCapabilities, type CapabilityName, capabilityNames } from "./sdk/capabilities.js";').blankLine();
  writer.writeLine("/** Scopes of the contract (`x-agent-scope`). */");
  writer.writeLine(`export type CapabilityScope = ${scopes.map(quote).join(" | ") || "never"};`).blankLine();
  writeTypes(writer);

  writer.writeLine("/** The registry, in contract order. */");
  writeBraced(
    writer,
    "export const capabilities: { readonly [Name in CapabilityName]: CapabilityDefinition } =",
    () => {
      for (const operation of operations) writeCapability(writer, operation, converter);
    },
    ";",
  );
  writer.blankLine();

  writer.writeLine("/** Need a merchant's approval before an agent may use them. */");
  writeNameList(
    writer,
    "approvalRequiredCapabilities",
    operations.filter((operation) => !operation.agent.autoGrant),
    "",
    "readonly CapabilityName[]",
  );

  writer.writeLine("/** Capability names by scope. */");
  writeBraced(
    writer,
    "export const capabilitiesByScope: { readonly [Scope in CapabilityScope]: readonly CapabilityName[] } =",
    () => {
      for (const scope of scopes) {
        writer.writeLine(`${propertyKey(scope)}: [`);
        writer.indent(() => {
          for (const operation of operations.filter((item) => item.agent.scope === scope))
            writer.writeLine(`${quote(operation.operationId)},`);
        });
        writer.writeLine("],");
      }
    },
    ";",
  );
  writer.blankLine();

  writer.writeLine("/** Narrows an untrusted string (e.g. from a token or request) to a capability name. */");
  writer.write("export function isCapabilityName(value: string): value is CapabilityName").block(() => {
    writer.writeLine("return Object.prototype.hasOwnProperty.call(capabilities, value);");
  });
  return [{ path: "capabilities.ts", contents: jsonWriterText(writer) }];
};

function writeTypes(writer: CodeBlockWriter): void {
  writer.writeLine(`/** A JSON Schema (2020-12) object. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** A JSON Schema (2020-12) whose instances are objects. */
export type ObjectJsonSchema = JsonSchema & { readonly type: "object" };

export type ApprovalStrength = "session" | "webauthn";

export interface CapabilityDefinition {
  readonly name: CapabilityName;
  /** HTTP method of the operation, upper case. */
  readonly method: string;
  /** Path template of the operation, e.g. "/v1/carts/{cart_id}". */
  readonly path: string;
  readonly scope: CapabilityScope;
  /** Granted without approval (\`x-agent-auto-grant\`; default: true for GET/HEAD). */
  readonly autoGrant: boolean;
  /** How the merchant must confirm approval (\`x-agent-approval-strength\`). */
  readonly approvalStrength: ApprovalStrength;
  /** Summary and description of the operation. */
  readonly description: string;
  /**
   * Flat arguments: path, query and header parameters by their contract names and the
   * top-level fields of an object body, side by side. A body that is not a plain object,
   * or has a field named like a parameter, is the single argument \`body\` (\`_body\` when
   * a parameter is named \`body\`).
   */
  readonly inputSchema: ObjectJsonSchema;
  /** Where each parameter argument belongs on the HTTP request. */
  readonly parameters: readonly { readonly name: string; readonly in: "path" | "query" | "header" }[];
  /** How the arguments carry the request body. */
  readonly body: CapabilityBody;
}

/**
 * \`flat\`: each of \`fields\` is an argument (when \`required\`, the body is sent even if none is given);
 * \`wrapped\`: the whole body is the argument \`argument\`; \`none\`: no body.
 */
export type CapabilityBody =
  | { readonly mode: "none" }
  | { readonly mode: "flat"; readonly fields: readonly string[]; readonly required: boolean }
  | { readonly mode: "wrapped"; readonly argument: string };
`);
}

function writeCapability(writer: CodeBlockWriter, operation: OperationModel, converter: SchemaConverter): void {
  writeBraced(writer, `${propertyKey(operation.operationId)}:`, () => {
    writer.writeLine(`name: ${quote(operation.operationId)},`);
    writer.writeLine(`method: ${quote(operation.method.toUpperCase())},`);
    writer.writeLine(`path: ${quote(operation.path)},`);
    writer.writeLine(`scope: ${quote(operation.agent.scope)},`);
    writer.writeLine(`autoGrant: ${operation.agent.autoGrant},`);
    writer.writeLine(`approvalStrength: ${quote(operation.agent.approvalStrength)},`);
    writer.writeLine(`description: ${quote(describe(operation))},`);
    const input = capabilityInput(operation, converter);
    writer.write("inputSchema: ");
    writeJsonValue(writer, input.schema);
    writer.write(",").newLine();
    const parameters = operation.parameters
      .filter((parameter) => parameter.in !== "cookie")
      .map((parameter) => `{ name: ${quote(parameter.name)}, in: ${quote(parameter.in)} }`);
    writer.writeLine(`parameters: [${parameters.join(", ")}],`);
    writer.writeLine(`body: ${bodyLiteral(input.body)},`);
  });
}

function bodyLiteral(body: BodyArguments): string {
  switch (body.mode) {
    case "none":
      return `{ mode: "none" }`;
    case "flat":
      return `{ mode: "flat", fields: [${body.fields.map(quote).join(", ")}], required: ${body.required} }`;
    case "wrapped":
      return `{ mode: "wrapped", argument: ${quote(body.argument)} }`;
  }
}

function describe(operation: OperationModel): string {
  return (
    [operation.summary, operation.description]
      .map((text) => text?.trim())
      .filter((text): text is string => Boolean(text))
      .join("\n\n") || `${operation.method.toUpperCase()} ${operation.path}`
  );
}

/** An exported array of names, one per line so diffs of the contract stay readable. */
export function writeNameList(
  writer: CodeBlockWriter,
  name: string,
  operations: readonly OperationModel[],
  suffix: string,
  type?: string,
): void {
  writer.write(`export const ${name}${type ? `: ${type}` : ""} = [`);
  if (operations.length > 0) {
    writer.newLine();
    writer.indent(() => {
      for (const operation of operations) writer.writeLine(`${quote(operation.operationId)},`);
    });
  }
  writer.writeLine(`]${suffix ? ` ${suffix}` : ""};`).blankLine();
}
