import type CodeBlockWriter from "code-block-writer";
import type { ApiModel, MediaModel, OperationModel, ResponseModel, SpecSchema } from "../model/operation-model.js";
import { INPUT_KEY_BY_LOCATION } from "../schema/operation-schemas.js";
import type { Emitter } from "./emitter.js";
import { createWriter, GENERATED_HEADER, indexAccess, propertyKey, quote, writeBraced, writeJsDoc } from "./ts-text.js";
import type { ValidatorModule, ValidatorNames } from "./validator-plan.js";

/** Namespace each validator module is imported under. */
const MODULE_NAMESPACE: Record<ValidatorModule, string> = { parameters: "parameters", "form-bodies": "formBodies", bodies: "bodies" };

/**
 * `routes.ts`: for every operation of `paths`, the typed handler input, the
 * union of declared responses, a `Handlers` interface (one method per
 * operationId, so a missing handler is a compile error) and `createRouter`,
 * which wires each route to its precompiled validators.
 */
export const emitRoutes: Emitter = ({ model, validatorPlan }) => {
  const writer = createWriter();
  const operations = model.operations;
  writer.write(GENERATED_HEADER).newLine();
  writeImports(writer, operations.length > 0);
  writeOperationIds(writer, operations);
  writeOperationMeta(writer, operations);
  writeInputs(writer, operations, model.componentSchemas);
  writeResults(writer, operations);
  writeHandlers(writer, operations);
  writeCreateRouter(writer, operations, validatorPlan);
  return [{ path: "routes.ts", contents: writer.toString() }];
};

function writeImports(writer: CodeBlockWriter, hasOperations: boolean): void {
  writer.writeLine('import type { Router } from "express";');
  if (hasOperations) writer.writeLine('import type { operations } from "./openapi.js";');
  writer.writeLine(
    'import { buildDispatcher, buildRouter, type DispatcherOptions, type OperationDispatcher, type OperationMeta, type RequestContext, type RouteDefinition, type RouterOptions, type StatusRange, type WithDefaults } from "./runtime.js";',
  );
  writer.writeLine('import * as bodies from "./validators/bodies.js";');
  writer.writeLine('import * as formBodies from "./validators/form-bodies.js";');
  writer.writeLine('import * as parameters from "./validators/parameters.js";');
  writer.blankLine();
  writer.writeLine(
    'export { defaultContext, HttpProblem, isProblemCode, problemCodes, ResponseContractError, type DispatcherOptions, type FieldError, type HandlerResult, type OperationCall, type OperationDispatcher, type OperationMeta, type ProblemCode, type ProblemDetails, type RequestContext, type ResponseValidation, type ResponseViolation, type RouterOptions, sendProblem, withProtocolFields } from "./runtime.js";',
  );
  writer.blankLine();
}

function writeOperationIds(writer: CodeBlockWriter, operations: readonly OperationModel[]): void {
  writer.writeLine("/** Every operationId of the contract. */");
  const union = operations.map((operation) => quote(operation.operationId)).join(" | ") || "never";
  writer.writeLine(`export type OperationId = ${union};`).blankLine();
}

function writeOperationMeta(writer: CodeBlockWriter, operations: readonly OperationModel[]): void {
  writer.writeLine("/** HTTP facts of each operation, read by the router at run time. */");
  writeBraced(
    writer,
    "export const operationMeta: { readonly [Id in OperationId]: OperationMeta } =",
    () => {
      for (const operation of operations) {
        writeBraced(writer, `${propertyKey(operation.operationId)}:`, () => {
          writer.writeLine(`operationId: ${quote(operation.operationId)},`);
          writer.writeLine(`method: ${quote(operation.method)},`);
          writer.writeLine(`path: ${quote(operation.path)},`);
          const headers = operation.parameters.filter((parameter) => parameter.in === "header").map((parameter) => quote(parameter.name));
          writer.writeLine(`headerNames: [${headers.join(", ")}],`);
          const body = operation.requestBody;
          writer.writeLine(`requestBody: ${body ? `{ required: ${body.required}, media: ${mediaList(body.media)} }` : "undefined"},`);
          writeBraced(writer, "responses:", () => {
            for (const response of operation.responses) writer.writeLine(`${quote(response.status)}: ${mediaList(response.media)},`);
          });
        });
      }
    },
    ";",
  );
  writer.blankLine();
}

function mediaList(media: readonly MediaModel[]): string {
  return `[${media.map((item) => `{ contentType: ${quote(item.contentType)}, kind: ${quote(item.kind)} }`).join(", ")}]`;
}

/** `operations["id"]` from openapi.ts. */
function operationType(operation: OperationModel): string {
  return indexAccess("operations", operation.operationId);
}

function writeInputs(writer: CodeBlockWriter, operations: readonly OperationModel[], componentSchemas: ApiModel["componentSchemas"]): void {
  writer.writeLine("/** What each handler receives: validated, coerced, defaults applied. */");
  writeBraced(
    writer,
    "export interface OperationInputs",
    () => {
      for (const operation of operations) {
        writeBraced(
          writer,
          `${propertyKey(operation.operationId)}:`,
          () => {
            for (const [location, key] of Object.entries(INPUT_KEY_BY_LOCATION)) {
              writer.writeLine(`${key}: ${parameterType(operation, location, componentSchemas)};`);
            }
            writer.writeLine(`body: ${bodyType(operation)};`);
          },
          ";",
        );
      }
    },
    "",
  );
  writer.blankLine();
}

/** The parameters of one location; those with a schema `default` are typed as present (Ajv fills them in). */
function parameterType(operation: OperationModel, location: string, componentSchemas: ApiModel["componentSchemas"]): string {
  const parameters = operation.parameters.filter((parameter) => parameter.in === location);
  if (parameters.length === 0) return "Record<string, never>";
  const type = `NonNullable<${operationType(operation)}["parameters"][${quote(location)}]>`;
  const defaulted = parameters.filter((parameter) => !parameter.required && hasDefault(parameter.schema, componentSchemas));
  return defaulted.length === 0 ? type : `WithDefaults<${type}, ${defaulted.map((parameter) => quote(parameter.name)).join(" | ")}>`;
}

function hasDefault(schema: SpecSchema, componentSchemas: ApiModel["componentSchemas"]): boolean {
  const ref = (schema as { $ref?: unknown }).$ref;
  if (typeof ref === "string" && ref.startsWith("#/components/schemas/")) {
    const target = componentSchemas[ref.slice("#/components/schemas/".length)];
    return target !== undefined && "default" in (target as object);
  }
  return "default" in (schema as object);
}

function bodyType(operation: OperationModel): string {
  const body = operation.requestBody;
  if (!body) return "undefined";
  const content = `NonNullable<${operationType(operation)}["requestBody"]>["content"]`;
  const types = new Set<string>();
  for (const media of body.media) {
    if (media.kind === "unsupported") continue;
    if (media.kind === "binary") types.add("Buffer");
    else if (media.kind === "text" && !media.schema) types.add("string");
    else types.add(indexAccess(content, media.contentType));
  }
  if (!body.required || types.size === 0) types.add("undefined");
  return [...types].join(" | ");
}

function writeResults(writer: CodeBlockWriter, operations: readonly OperationModel[]): void {
  writer.writeLine("/** What each handler may return: exactly the responses its operation declares. */");
  writeBraced(
    writer,
    "export interface OperationResults",
    () => {
      for (const operation of operations) {
        const members = operation.responses.map((response) => resultType(operation, response));
        if (members.length === 0) {
          writer.writeLine(`${propertyKey(operation.operationId)}: never;`);
          continue;
        }
        writer.writeLine(`${propertyKey(operation.operationId)}:`);
        writer.indent(() => {
          for (const [index, member] of members.entries()) writer.writeLine(`| ${member}${index === members.length - 1 ? ";" : ""}`);
        });
      }
    },
    "",
  );
  writer.blankLine();
  writer.writeLine("/** Response headers a handler sets, by name. */");
  writer.writeLine("export type ResponseHeaders = Record<string, string>;").blankLine();
}

/**
 * The status type of a response: its literal code; for a range such as `4XX`
 * the codes of that class that the operation does not declare explicitly
 * (they take precedence); for `default`, any number.
 */
function statusType(operation: OperationModel, response: ResponseModel): string {
  if (/^\d+$/.test(response.status)) return response.status;
  if (response.status === "default") return "number";
  const range = `StatusRange<${response.status[0]}>`;
  const explicit = operation.responses
    .map((item) => item.status)
    .filter((status) => /^\d+$/.test(status) && status[0] === response.status[0]);
  return explicit.length > 0 ? `Exclude<${range}, ${explicit.join(" | ")}>` : range;
}

function resultType(operation: OperationModel, response: ResponseModel): string {
  const status = statusType(operation, response);
  const responseType = `${operationType(operation)}["responses"][${/^\d+$/.test(response.status) ? response.status : quote(response.status)}]`;
  const bodies = response.media.map((media) =>
    media.kind === "binary" ? "Buffer | string" : indexAccess(`NonNullable<${responseType}["content"]>`, media.contentType),
  );
  const body = bodies.length > 0 ? `body: ${[...new Set(bodies)].join(" | ")}` : "body?: undefined";
  return `{ status: ${status}; ${body}; headers?: ResponseHeaders }`;
}

function writeHandlers(writer: CodeBlockWriter, operations: readonly OperationModel[]): void {
  writer.writeLine("/** One method per operationId: an object missing any of them does not compile. */");
  writeBraced(
    writer,
    "export interface Handlers<TContext = RequestContext>",
    () => {
      for (const operation of operations) {
        writeJsDoc(writer, [
          operation.summary,
          `${operation.method.toUpperCase()} ${operation.path}`,
          operation.deprecated ? "@deprecated" : undefined,
        ]);
        const id = operation.operationId;
        writer.writeLine(
          `${propertyKey(id)}(input: ${indexAccess("OperationInputs", id)}, context: TContext): ${indexAccess("OperationResults", id)} | Promise<${indexAccess("OperationResults", id)}>;`,
        );
      }
    },
    "",
  );
  writer.blankLine();
}

function writeCreateRouter(
  writer: CodeBlockWriter,
  operations: readonly OperationModel[],
  validators: ReadonlyMap<string, ValidatorNames>,
): void {
  writeJsDoc(writer, [
    "Every operation wired to its validators and handler, in spec order (the router's radix tree tries literal segments first).",
  ]);
  writer.write("export function routeDefinitions<TContext>(handlers: Handlers<TContext>): RouteDefinition<TContext>[]").block(() => {
    writer.write("return [").newLine();
    writer.indent(() => {
      for (const operation of operations) writeRoute(writer, operation, validators.get(operation.operationId) ?? {});
    });
    writer.writeLine("];");
  });
  writer.blankLine();
  writeJsDoc(writer, [
    "An Express router serving every operation: parses and validates the request, calls the handler, writes its typed result; errors become application/problem+json.",
    "@example\napp.use(createRouter(handlers, { context: defaultContext }));",
  ]);
  writer
    .write(
      "export function createRouter<TContext = RequestContext>(handlers: Handlers<TContext>, options: RouterOptions<TContext>): Router",
    )
    .block(() => {
      writer.writeLine("return buildRouter<TContext>(routeDefinitions(handlers), options);");
    });
  writer.blankLine();
  writeJsDoc(writer, [
    "Calls operations without HTTP, with the router's validation and handlers: for callers already inside the server (e.g. an agent's `capability/execute`). The context is the caller's, already authenticated.",
  ]);
  writer
    .write(
      "export function createDispatcher<TContext>(handlers: Handlers<TContext>, options: DispatcherOptions = {}): OperationDispatcher<TContext>",
    )
    .block(() => {
      writer.writeLine("return buildDispatcher<TContext>(routeDefinitions(handlers), options);");
    });
}

function writeRoute(writer: CodeBlockWriter, operation: OperationModel, names: ValidatorNames): void {
  const id = operation.operationId;
  const ref = (role: keyof ValidatorNames) => {
    const target = names[role];
    return target ? `${MODULE_NAMESPACE[target.module]}.${target.name}` : undefined;
  };
  const bodies = (
    [
      ["json", "jsonBody"],
      ["form", "formBody"],
      ["text", "textBody"],
    ] as const
  )
    .filter(([, role]) => names[role])
    .map(([kind, role]) => `${kind}: ${ref(role)}`);
  writeBraced(writer, "", () => {
    writer.writeLine(`operation: ${indexAccess("operationMeta", id)},`);
    writer.writeLine(`validateParameters: ${ref("parameters") ?? "undefined"},`);
    writer.writeLine(`validateBody: ${bodies.length > 0 ? `{ ${bodies.join(", ")} }` : "{}"},`);
    writer.writeLine(
      `handle: (input, context) => handlers[${quote(id)}](input as unknown as ${indexAccess("OperationInputs", id)}, context),`,
    );
  });
}
