import type { Emitter } from "./emitter.js";
import { createWriter, GENERATED_HEADER, propertyKey, quote, writeBraced, writeJsDoc } from "./ts-text.js";

/**
 * `sdk/`: a typed client on openapi-fetch. `index.ts` holds the client
 * factory (every call is checked against `paths` at compile time) with a
 * middleware hook for agent authentication; `operations.ts` maps each
 * capability name to its method and path.
 */
export const emitSdk: Emitter = ({ model, clientFactoryName }) => {
  const index = createWriter();
  index.write(GENERATED_HEADER).newLine();
  index.writeLine('import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";');
  index.writeLine('import type { paths } from "../openapi.js";').blankLine();
  index.writeLine('export type { components, operations, paths } from "../openapi.js";');
  index.writeLine('export { capabilityNames, type CapabilityName } from "../capabilities.js";');
  index.writeLine('export { operationRoutes, type OperationRoute } from "./operations.js";');
  index.writeLine('export type { Middleware } from "openapi-fetch";').blankLine();
  writeJsDoc(index, [`A client of ${model.title}: \`client.GET("/path", { params, body })\`, typed by the contract.`]);
  index.writeLine("export type ApiClient = Client<paths>;").blankLine();
  index.write("export interface ApiClientOptions extends ClientOptions").block(() => {
    index.writeLine("/**");
    index.writeLine(" * Middleware run around every request, in order. Agent authentication plugs in here:");
    index.writeLine(" * a middleware that signs a fresh agent JWT into `Authorization` per request.");
    index.writeLine(" */");
    index.writeLine("middleware?: readonly Middleware[];");
  });
  index.blankLine();
  writeJsDoc(index, [
    `Creates a typed client of ${model.title}.`,
    `@example\nconst client = ${clientFactoryName}({ baseUrl: "http://localhost:3005" });\nconst { data, error } = await client.GET("/v1/products", { params: { query: { limit: 20 } } });`,
  ]);
  index.write(`export function ${clientFactoryName}(options: ApiClientOptions = {}): ApiClient`).block(() => {
    index.writeLine("const { middleware = [], ...clientOptions } = options;");
    index.writeLine("const client = createClient<paths>(clientOptions);");
    index.writeLine("if (middleware.length > 0) client.use(...middleware);");
    index.writeLine("return client;");
  });

  const operations = createWriter();
  operations.write(GENERATED_HEADER).newLine();
  operations.writeLine('import type { CapabilityName } from "../capabilities.js";').blankLine();
  writeBraced(operations, "export interface OperationRoute", () => {
    operations.writeLine('readonly method: "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH" | "TRACE";');
    operations.writeLine("readonly path: string;");
  }, "");
  operations.blankLine();
  operations.writeLine("/** Method and path template of each capability, to call it through the client. */");
  writeBraced(operations, "export const operationRoutes: { readonly [Name in CapabilityName]: OperationRoute } =", () => {
    for (const operation of model.operations) {
      operations.writeLine(`${propertyKey(operation.operationId)}: { method: ${quote(operation.method.toUpperCase())}, path: ${quote(operation.path)} },`);
    }
  }, ";");

  return [
    { path: "sdk/index.ts", contents: index.toString() },
    { path: "sdk/operations.ts", contents: operations.toString() },
  ];
};
