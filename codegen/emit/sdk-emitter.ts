import { readFileSync } from "node:fs";
import { writeNameList } from "./capabilities-emitter.js";
import type { Emitter } from "./emitter.js";
import { emitSdkPackage } from "./sdk-package.js";
import { createWriter, GENERATED_HEADER, propertyKey, quote, writeBraced, writeJsDoc } from "./ts-text.js";

/**
 * The agent half of the SDK: hand-written modules in `codegen/templates/agent/`
 * (real, type-checked TypeScript), copied verbatim into `sdk/agent/`. They
 * reach the contract only through `./contract.js`, which the template
 * directory stubs and this emitter writes for real, so the copies need no
 * rewriting. Listed, not globbed: the stub must never be copied, and a stray
 * file in the directory must not ship.
 */
const AGENT_TEMPLATES = [
  "approval.ts",
  "connect.ts",
  "discovery.ts",
  "errors.ts",
  "file-storage.ts",
  "grants.ts",
  "http.ts",
  "identity.ts",
  "index.ts",
  "jwt.ts",
  "middleware.ts",
  "registration.ts",
  "session.ts",
  "status.ts",
] as const;

const TEMPLATE_DIR = new URL("../templates/agent/", import.meta.url);

/**
 * `sdk/`: a typed client on openapi-fetch, an npm package of its own
 * (`package.json`, see sdk-package.ts), so nothing in it imports outside
 * `sdk/`: the contract's types are `sdk/openapi.ts` (the types emitter writes
 * them there) and the capability names `sdk/capabilities.ts`. `client.ts`
 * holds the client factory (every call is checked against `paths` at compile
 * time) with a middleware hook; `operations.ts` maps each capability name to
 * its method and path; `agent/` authenticates as an Agent Auth agent;
 * `index.ts` re-exports all of it.
 */
export const emitSdk: Emitter = ({ model, clientFactoryName, sdkPackageName }) => {
  const client = createWriter();
  client.write(GENERATED_HEADER).newLine();
  client.writeLine('import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";');
  client.writeLine('import type { paths } from "./openapi.js";').blankLine();
  writeJsDoc(client, [`A client of ${model.title}: \`client.GET("/path", { params, body })\`, typed by the contract.`]);
  client.writeLine("export type ApiClient = Client<paths>;").blankLine();
  client.write("export interface ApiClientOptions extends ClientOptions").block(() => {
    client.writeLine("/**");
    client.writeLine(" * Middleware run around every request, in order. Agent authentication plugs in here:");
    client.writeLine(" * a middleware that signs a fresh agent JWT into `Authorization` per request.");
    client.writeLine(" */");
    client.writeLine("middleware?: readonly Middleware[];");
  });
  client.blankLine();
  writeJsDoc(client, [
    `Creates a typed client of ${model.title}.`,
    `@example\nconst client = ${clientFactoryName}({ baseUrl: "http://localhost:3005" });\nconst { data, error } = await client.GET("/v1/products", { params: { query: { limit: 20 } } });`,
  ]);
  client.write(`export function ${clientFactoryName}(options: ApiClientOptions = {}): ApiClient`).block(() => {
    client.writeLine("const { middleware = [], ...clientOptions } = options;");
    client.writeLine("const client = createClient<paths>(clientOptions);");
    client.writeLine("if (middleware.length > 0) client.use(...middleware);");
    client.writeLine("return client;");
  });

  const index = createWriter();
  index.write(GENERATED_HEADER).newLine();
  index.writeLine('export type { components, operations, paths } from "./openapi.js";');
  if (model.problemCodes) {
    index.writeLine(
      "/** Every code a problem of this API may carry (the contract's closed set): branch on `AgentServerError.code` or a problem's `code` with it. */",
    );
    index.writeLine('export type ProblemCode = import("./openapi.js").components["schemas"]["ProblemCode"];');
  }
  index.writeLine('export { autoGrantedCapabilities, capabilityNames, type CapabilityName } from "./capabilities.js";');
  index.writeLine(`export { ${clientFactoryName}, type ApiClient, type ApiClientOptions } from "./client.js";`);
  index.writeLine('export { operationRoutes, type OperationRoute } from "./operations.js";');
  index.writeLine('export type { Middleware } from "openapi-fetch";');
  index.writeLine('export * from "./agent/index.js";');

  const operations = createWriter();
  operations.write(GENERATED_HEADER).newLine();
  operations.writeLine('import type { CapabilityName } from "./capabilities.js";').blankLine();
  writeBraced(
    operations,
    "export interface OperationRoute",
    () => {
      operations.writeLine('readonly method: "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH" | "TRACE";');
      operations.writeLine("readonly path: string;");
    },
    "",
  );
  operations.blankLine();
  operations.writeLine("/** Method and path template of each capability, to call it through the client. */");
  writeBraced(
    operations,
    "export const operationRoutes: { readonly [Name in CapabilityName]: OperationRoute } =",
    () => {
      for (const operation of model.operations) {
        operations.writeLine(
          `${propertyKey(operation.operationId)}: { method: ${quote(operation.method.toUpperCase())}, path: ${quote(operation.path)} },`,
        );
      }
    },
    ";",
  );

  // The real counterpart of the templates' stub: fixed names, whatever the factory is called.
  const contract = createWriter();
  contract.write(GENERATED_HEADER).newLine();
  contract.writeLine("/* The contract-specific names the agent modules use (see codegen/templates/agent/contract.ts). */");
  contract.writeLine('export { autoGrantedCapabilities, type CapabilityName } from "../capabilities.js";');
  contract.writeLine(`export { ${clientFactoryName} as createApiClient, type ApiClient, type ApiClientOptions } from "../client.js";`);

  // The names the SDK needs from the registry (the registry itself, with its input schemas, is the server's).
  const capabilities = createWriter();
  capabilities.write(GENERATED_HEADER).newLine();
  capabilities.writeLine("/** Every capability, named after its operationId. */");
  capabilities
    .writeLine(`export type CapabilityName = ${model.operations.map((operation) => quote(operation.operationId)).join(" | ") || "never"};`)
    .blankLine();
  capabilities.writeLine("/** Every capability name, in contract order. */");
  writeNameList(capabilities, "capabilityNames", model.operations, "as const satisfies readonly CapabilityName[]");
  capabilities.writeLine("/** Granted to an agent at registration, without a merchant's approval. */");
  writeNameList(
    capabilities,
    "autoGrantedCapabilities",
    model.operations.filter((operation) => operation.agent.autoGrant),
    "",
    "readonly CapabilityName[]",
  );

  return [
    ...emitSdkPackage(model, sdkPackageName),
    { path: "sdk/capabilities.ts", contents: capabilities.toString() },
    { path: "sdk/index.ts", contents: index.toString() },
    { path: "sdk/client.ts", contents: client.toString() },
    { path: "sdk/operations.ts", contents: operations.toString() },
    { path: "sdk/agent/contract.ts", contents: contract.toString() },
    ...AGENT_TEMPLATES.map((name) => ({
      path: `sdk/agent/${name}`,
      contents: `${GENERATED_HEADER}\n${readFileSync(new URL(name, TEMPLATE_DIR), "utf8")}`,
    })),
  ];
};
