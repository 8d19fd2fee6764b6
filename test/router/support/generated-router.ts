/*
 * The router tests' fixture specs (test/router/fixtures/*.yaml), generated
 * with the real generator into test/codegen/out/router/ and imported. The
 * output does not exist when tests are type-checked, so its modules are typed
 * here: the spec-independent half with the runtime template the generator
 * copies verbatim, the operations with each fixture's list of operationIds
 * (checked against the generated table when the fixture is loaded).
 */
import path from "node:path";
import type { Router } from "express";
import type { Middleware } from "openapi-fetch";
import type { ResponseValidatorTable } from "../../../codegen/templates/response-validation.js";
import type * as Runtime from "../../../codegen/templates/runtime.js";
import { outDir, PROJECT_ROOT } from "../../codegen/support/paths.js";
import { generateInto, importGenerated } from "../../codegen/support/write-generated.js";

/** Each fixture spec and the operations it declares, in any order. */
export const FIXTURE_OPERATIONS = {
  paths: ["listTags", "listThings", "createThing", "createBox", "getThing", "updatePart", "removePart", "archiveThing"],
  params: ["listThings", "listOrders", "placeOrder", "getThing"],
  responses: ["listProducts", "getProduct", "createCart", "getCart", "getOutcome"],
  requests: ["listCarts", "createCart", "getCart", "addItem", "updateItem", "placeOrder", "createProduct", "updateProduct", "adjustStock"],
} as const;

export type FixtureName = keyof typeof FIXTURE_OPERATIONS;
export type FixtureOperationId<Name extends FixtureName> = (typeof FIXTURE_OPERATIONS)[Name][number];

/** A handler as the router calls it: validated, coerced input in, one of the declared responses out. */
export type Handler<TContext> = (input: Runtime.RawInput, context: TContext) => Runtime.HandlerResult | Promise<Runtime.HandlerResult>;

/** One handler per operation of the fixture: a missing or unknown operationId does not compile. */
export type Handlers<Id extends string, TContext> = Record<Id, Handler<TContext>>;

/** What a generated routes.ts exports, as the tests use it. */
export interface GeneratedRoutes<Id extends string> {
  createRouter<TContext>(handlers: Handlers<Id, TContext>, options: Runtime.RouterOptions<TContext>): Router;
  createDispatcher<TContext>(handlers: Handlers<Id, TContext>, options?: Runtime.DispatcherOptions): Runtime.OperationDispatcher<TContext>;
  readonly operationMeta: Readonly<Record<Id, Runtime.OperationMeta>>;
  readonly defaultContext: typeof Runtime.defaultContext;
  readonly HttpProblem: typeof Runtime.HttpProblem;
  readonly ResponseContractError: typeof Runtime.ResponseContractError;
  readonly withProtocolFields: typeof Runtime.withProtocolFields;
}

/** One fixture's generated output: its directory and its imported router module. */
export interface GeneratedFixture<Id extends string> {
  readonly dir: string;
  readonly routes: GeneratedRoutes<Id>;
  /** The generated response validators (validators/responses.js), for `validateResponses`. */
  responseValidators(): Promise<ResponseValidatorTable>;
  /** The generated SDK's client factory (sdk/client.ts). */
  clientFactory(): Promise<CreateFixtureClient>;
}

/** The parts of a request the generated SDK takes, by location. */
export interface ClientRequest {
  params?: { path?: Record<string, unknown>; query?: Record<string, unknown>; header?: Record<string, string> };
  body?: unknown;
}

/** What an SDK call resolves to: `data` on success, the problem in `error` otherwise. */
export interface ClientResult {
  data?: unknown;
  error?: Runtime.ProblemDetails;
  response: Response;
}

/** The generated client (openapi-fetch), as the tests call it: paths are the fixture's. */
export interface FixtureClient {
  GET(path: string, request?: ClientRequest): Promise<ClientResult>;
  POST(path: string, request?: ClientRequest): Promise<ClientResult>;
  PATCH(path: string, request?: ClientRequest): Promise<ClientResult>;
  DELETE(path: string, request?: ClientRequest): Promise<ClientResult>;
}

export type CreateFixtureClient = (options: {
  baseUrl: string;
  fetch?: (request: Request) => Promise<Response>;
  middleware?: readonly Middleware[];
}) => FixtureClient;

/** Path of a fixture spec by name. */
export function fixtureSpecPath(name: FixtureName): string {
  return path.join(PROJECT_ROOT, "test/router/fixtures", `${name}.yaml`);
}

// One generation per fixture and test file: vitest gives every test file a fresh module graph.
const generated = new Map<FixtureName, Promise<GeneratedFixture<string>>>();

/**
 * Generates the fixture spec (about 0.1 s for one of these) and imports its
 * router. The output directory is per fixture and per vitest worker, so test
 * files running side by side never rewrite each other's modules.
 *
 * @example
 * const { routes } = await loadFixture("paths");
 */
export function loadFixture<Name extends FixtureName>(name: Name): Promise<GeneratedFixture<FixtureOperationId<Name>>> {
  let fixture = generated.get(name);
  if (!fixture) {
    fixture = generateFixture(name);
    generated.set(name, fixture);
  }
  return fixture as Promise<GeneratedFixture<FixtureOperationId<Name>>>;
}

async function generateFixture(name: FixtureName): Promise<GeneratedFixture<string>> {
  const dir = outDir("router", `${name}-worker-${process.env.VITEST_POOL_ID ?? "0"}`);
  await generateInto(dir, { specPath: fixtureSpecPath(name), clientFactoryName: "createFixtureClient" });
  const routes = await importGenerated<GeneratedRoutes<string>>(dir, "routes.ts");
  const declared = Object.keys(routes.operationMeta).sort();
  const listed = [...FIXTURE_OPERATIONS[name]].sort();
  if (declared.join() !== listed.join()) {
    throw new Error(`FIXTURE_OPERATIONS.${name} lists ${listed.join(", ")} but ${name}.yaml declares ${declared.join(", ")}`);
  }
  return {
    dir,
    routes,
    responseValidators: async () =>
      (await importGenerated<{ responseValidators: ResponseValidatorTable }>(dir, "validators/responses.js")).responseValidators,
    clientFactory: async () =>
      (await importGenerated<{ createFixtureClient: CreateFixtureClient }>(dir, "sdk/client.ts")).createFixtureClient,
  };
}
