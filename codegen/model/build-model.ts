import { collectSpecErrors, SpecError, SpecErrors, toPointer } from "../errors.js";
import { displayPath, type LoadedSpec } from "../load/load-spec.js";
import type {
  MediaTypeObject,
  OperationObject,
  ParameterObject,
  PathItemObject,
  RequestBodyObject,
  ResponseObject,
} from "../load/openapi-document.js";
import { type AgentRuleDefaults, readAgentRules } from "./agent-rules.js";
import { argumentNameProblems } from "./argument-names.js";
import { mediaKind } from "./media-kind.js";
import {
  type ApiModel,
  HTTP_METHODS,
  type MediaModel,
  type OperationModel,
  type ParameterModel,
  type RequestBodyModel,
  type ResponseModel,
  type SpecSchema,
} from "./operation-model.js";
import { readProblemCodeDocs, readProblemCodes } from "./problem-codes.js";
import { resolveLocal } from "./resolve-local-ref.js";

export interface ModelOptions {
  readonly agentDefaults: AgentRuleDefaults;
}

/**
 * Walks `paths` of a bundled spec into one normalized operation model: refs to
 * parameters, bodies and responses followed, path-level parameters merged,
 * agent rules defaulted. Operations without an operationId are skipped with a
 * warning (they cannot become capabilities); every hard problem, several per
 * operation if need be, is collected and thrown together.
 */
export function buildModel(spec: LoadedSpec, options: ModelOptions): ApiModel {
  const document = spec.document;
  const operations: OperationModel[] = [];
  const warnings: string[] = [...spec.warnings];
  const errors: SpecError[] = [];
  const firstPointerById = new Map<string, string>();

  for (const [path, rawPathItem] of Object.entries(document.paths ?? {})) {
    const pathPointer = toPointer(["paths", path]);
    const pathItem = collectSpecErrors(errors, () => resolveLocal<PathItemObject>(document, rawPathItem as PathItemObject, pathPointer));
    if (!pathItem) continue;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method] as OperationObject | undefined;
      if (!operation) continue;
      const pointer = `${pathPointer}/${method}`;
      const id = operation.operationId;
      if (!id) {
        warnings.push(`#${pointer}: ${method.toUpperCase()} ${path} has no operationId; skipped`);
        continue;
      }
      const first = firstPointerById.get(id);
      if (first) {
        errors.push(new SpecError(`duplicate operationId "${id}" (first used at #${first})`, `${pointer}/operationId`));
        continue;
      }
      firstPointerById.set(id, pointer);
      const built = buildOperation({ document, path, method, operation, pathItem, pointer, options, warnings }, errors);
      if (built) operations.push(built);
    }
  }
  const problemCodes = readProblemCodes(document.components?.schemas, errors);
  const problemCodeDocs = readProblemCodeDocs(document.components?.schemas, problemCodes, errors);
  if (errors.length > 0) throw new SpecErrors(errors.map((error) => withFile(error, spec.file)));

  return {
    title: document.info?.title ?? "API",
    version: document.info?.version ?? "0.0.0",
    openapiVersion: spec.version,
    operations,
    componentSchemas: (document.components?.schemas ?? {}) as Record<string, SpecSchema>,
    problemCodes,
    problemCodeDocs,
    warnings,
  };
}

interface OperationSource {
  readonly document: unknown;
  readonly path: string;
  readonly method: OperationModel["method"];
  readonly operation: OperationObject;
  readonly pathItem: PathItemObject;
  readonly pointer: string;
  readonly options: ModelOptions;
  readonly warnings: string[];
}

/** The operation's model, or `undefined` when any part of it is wrong (every wrong part is added to `errors`). */
function buildOperation(source: OperationSource, errors: SpecError[]): OperationModel | undefined {
  const { operation, pointer } = source;
  const before = errors.length;
  const parameters = mergeParameters(source, errors);
  const requestBody = collectSpecErrors(errors, () => buildRequestBody(source));
  const responses = buildResponses(source, errors);
  const agent = collectSpecErrors(errors, () =>
    readAgentRules(
      operation as Record<string, unknown>,
      { method: source.method, path: source.path },
      pointer,
      source.options.agentDefaults,
    ),
  );
  errors.push(...argumentNameProblems(parameters, requestBody, pointer));
  if (errors.length > before || !agent) return undefined;
  return {
    operationId: operation.operationId!,
    method: source.method,
    path: source.path,
    pointer,
    summary: operation.summary,
    description: operation.description,
    deprecated: operation.deprecated === true,
    tags: (operation.tags ?? []).filter((tag): tag is string => typeof tag === "string"),
    parameters,
    requestBody,
    responses,
    agent,
  };
}

/** Operation parameters override path-level ones with the same name and location (OpenAPI 3 §4.8.9). */
function mergeParameters(
  { document, pathItem, operation, pointer, path, warnings }: OperationSource,
  errors: SpecError[],
): ParameterModel[] {
  const merged = new Map<string, ParameterModel>();
  const pathPointer = pointer.slice(0, pointer.lastIndexOf("/"));
  const lists: [unknown[] | undefined, string][] = [
    [pathItem.parameters, `${pathPointer}/parameters`],
    [operation.parameters, `${pointer}/parameters`],
  ];
  for (const [list, listPointer] of lists) {
    (list ?? []).forEach((raw, index) => {
      const at = `${listPointer}/${index}`;
      const parameter = collectSpecErrors(errors, () => resolveLocal<ParameterObject>(document, raw as ParameterObject, at));
      if (!parameter) return;
      if (parameter.in === "cookie") {
        warnings.push(`#${at}: cookie parameter "${parameter.name}" is not validated by the router`);
        return;
      }
      const schema = collectSpecErrors(errors, () => parameterSchema(parameter, at));
      if (!schema) return;
      merged.set(`${parameter.in}:${parameter.name}`, {
        name: parameter.name,
        in: parameter.in,
        required: parameter.in === "path" ? true : parameter.required === true,
        schema,
        description: parameter.description,
      });
    });
  }
  for (const name of path.match(/\{[^}]+\}/g) ?? []) {
    const bare = name.slice(1, -1);
    if (!merged.has(`path:${bare}`)) {
      // Where the linter's path-parameters-defined rule points too: one report, not two.
      errors.push(new SpecError(`path parameter "${bare}" of ${path} is not declared`, `${pointer}/parameters`));
    }
  }
  return [...merged.values()];
}

function parameterSchema(parameter: ParameterObject, at: string): SpecSchema {
  if ("schema" in parameter && parameter.schema) return parameter.schema as SpecSchema;
  const content = "content" in parameter ? parameter.content : undefined;
  const first = content ? (Object.values(content)[0] as MediaTypeObject | undefined) : undefined;
  if (first?.schema) return first.schema as SpecSchema;
  throw new SpecError(`parameter "${parameter.name}" has neither schema nor content`, at);
}

function buildRequestBody({ document, operation, pointer, warnings }: OperationSource): RequestBodyModel | undefined {
  if (!operation.requestBody) return undefined;
  const at = `${pointer}/requestBody`;
  const body = resolveLocal<RequestBodyObject>(document, operation.requestBody as RequestBodyObject, at);
  const media = buildMedia(body.content);
  for (const unsupported of media.filter((item) => item.kind === "unsupported")) {
    warnings.push(`#${at}: ${unsupported.contentType} bodies are not parsed by the router; such requests get 415`);
  }
  return { required: body.required === true, media };
}

function buildResponses({ document, operation, pointer }: OperationSource, errors: SpecError[]): ResponseModel[] {
  const responses: ResponseModel[] = [];
  for (const [status, raw] of Object.entries(operation.responses ?? {})) {
    const at = `${pointer}${toPointer(["responses", status])}`;
    const response = collectSpecErrors(errors, () => resolveLocal<ResponseObject>(document, raw as ResponseObject, at));
    if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) {
      errors.push(new SpecError(`response key "${status}" is not a status code, range or "default"`, at));
      continue;
    }
    if (response) responses.push({ status, media: buildMedia(response.content) });
  }
  return responses;
}

function buildMedia(content: Record<string, MediaTypeObject> | undefined): MediaModel[] {
  return Object.entries(content ?? {}).map(([contentType, media]) => ({
    contentType,
    kind: mediaKind(contentType),
    schema: (media as MediaTypeObject).schema as SpecSchema | undefined,
  }));
}

function withFile(error: SpecError, file: string): SpecError {
  return error.file ? error : new SpecError(error.message, error.pointer, displayPath(file));
}
