import { readFileSync } from "node:fs";
import type { OperationModel } from "../model/operation-model.js";
import type { JsonSchema } from "../schema/json-schema.js";
import type { SchemaConverter } from "../schema/schema-converter.js";
import type { ResponseValidatorSources } from "./compile-response-validators.js";
import type { EmitContext, Emitter } from "./emitter.js";
import { createWriter, GENERATED_HEADER, IdentifierPool, propertyKey, quote, writeBraced } from "./ts-text.js";
import { LARGE_VALIDATOR_COUNT } from "./validator-plan.js";

const TEMPLATE = new URL("../templates/response-validation.ts", import.meta.url);
/** The component schemas response schemas point into, in a schema of their own (as for the request validators). */
const COMPONENTS_ID = "components";

/** One JSON response body the contract declares: operation, status key ("200", "4XX", "default") and media type. */
interface ResponseBody {
  readonly operationId: string;
  readonly status: string;
  readonly contentType: string;
  /** Export name of its validator; identical schemas share one. */
  readonly name: string;
}

/**
 * `validators/responses.js` (OpenAPI: `responses` → `content` → `schema` of
 * every operation): Ajv standalone validators of the JSON response bodies,
 * compiled at generation time, and `responseValidators`, the table by
 * operationId, status key and media type that the router's opt-in
 * `validateResponses` reads. Also `response-validation.ts`, the
 * spec-independent check (copied from `codegen/templates/`; the router
 * imports it, it is small). Nothing in `routes.ts` imports
 * `validators/responses.js`: a server that does not ask for response
 * validation never loads the compiled validators.
 *
 * @example
 * import { responseValidators } from "./generated/validators/responses.js";
 * createRouter(handlers, { context, validateResponses: { validators: responseValidators, onViolation: report } });
 */
export const emitResponseValidators: Emitter = async ({ model, responseConverter, jobs }: EmitContext) => {
  const { bodies, sources } = collectBodies(model.operations, responseConverter);
  // Read before the wait: then nothing here holds the sources while the worker compiles them.
  const names = sources.schemas.map(([name]) => name);
  const code =
    sources.schemas.length === 0
      ? ""
      : await jobs.run("responseValidators", sources, { large: sources.schemas.length > LARGE_VALIDATOR_COUNT });
  return [
    { path: "validators/responses.js", contents: `${GENERATED_HEADER}${code}${table(bodies)}` },
    { path: "validators/responses.d.ts", contents: declarations(names) },
    { path: "response-validation.ts", contents: `${GENERATED_HEADER}\n${readFileSync(TEMPLATE, "utf8")}` },
  ];
};

/** Every JSON response body with a schema, in spec order; identical converted schemas get one validator. */
function collectBodies(
  operations: readonly OperationModel[],
  converter: SchemaConverter,
): { bodies: ResponseBody[]; sources: ResponseValidatorSources } {
  const refPrefix = `${COMPONENTS_ID}#/$defs/`;
  const names = new IdentifierPool();
  names.take("responseValidators"); // the table's own export name
  const nameBySchema = new Map<string, string>();
  const schemas = new Map<string, JsonSchema>();
  const reached = new Set<string>();
  const bodies: ResponseBody[] = [];
  for (const operation of operations) {
    for (const response of operation.responses) {
      for (const media of response.media) {
        if (media.kind !== "json" || !media.schema) continue;
        const converted = converter.convert(media.schema, refPrefix);
        for (const name of converted.components) reached.add(name);
        const key = JSON.stringify(converted.schema);
        let name = nameBySchema.get(key);
        if (name === undefined) {
          name = names.take(componentName(converted.schema, refPrefix) ?? `${operation.operationId}_${response.status}`);
          nameBySchema.set(key, name);
          schemas.set(name, converted.schema);
        }
        bodies.push({ operationId: operation.operationId, status: response.status, contentType: media.contentType, name });
      }
    }
  }
  return {
    bodies,
    sources: {
      schemas: [...schemas],
      components: { $id: COMPONENTS_ID, $defs: converter.defs(reached) },
      formats: [...converter.formats].sort(),
    },
  };
}

/** `Problem` for a schema that is only `{ $ref: "components#/$defs/Problem" }`: such validators are shared by many responses. */
function componentName(schema: JsonSchema, refPrefix: string): string | undefined {
  if (typeof schema !== "object" || Object.keys(schema).length !== 1 || typeof schema.$ref !== "string") return undefined;
  return schema.$ref.startsWith(refPrefix) && !schema.$ref.slice(refPrefix.length).includes("/")
    ? schema.$ref.slice(refPrefix.length)
    : undefined;
}

/** `export const responseValidators = { operationId: { status: { contentType: validator } } }`. */
function table(bodies: readonly ResponseBody[]): string {
  const writer = createWriter();
  writer.writeLine("/** Validators of the declared JSON response bodies, by operationId, status key and media type. */");
  const byOperation = groupBy(bodies, (body) => body.operationId);
  writeBraced(
    writer,
    "export const responseValidators =",
    () => {
      for (const [operationId, operationBodies] of byOperation) {
        writeBraced(writer, `${propertyKey(operationId)}:`, () => {
          for (const [status, statusBodies] of groupBy(operationBodies, (body) => body.status)) {
            const media = statusBodies.map((body) => `${quote(body.contentType)}: ${body.name}`).join(", ");
            writer.writeLine(`${quote(status)}: { ${media} },`);
          }
        });
      }
    },
    ";",
  );
  return writer.toString();
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

function declarations(names: readonly string[]): string {
  const lines = [GENERATED_HEADER, 'import type { BodyValidator, ResponseValidatorTable } from "../response-validation.js";', ""];
  for (const name of names) lines.push(`export declare const ${name}: BodyValidator;`);
  lines.push("export declare const responseValidators: ResponseValidatorTable;");
  return `${lines.join("\n")}\n`;
}
