/*
 * Schema-driven fuzzing of every operation of the contract, as each kind of
 * caller (storefront key, admin key, merchant session, approved agent JWT):
 * arguments generated from the capability input schemas (seeded, bounded),
 * sent over real HTTP to the real app. Whatever comes in, nothing answers
 * 5xx, and every refusal is problem+json; a 400 names the fields it refuses.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CapabilityDefinition, type CapabilityName, capabilities, capabilityNames } from "../../generated/capabilities.js";
import { createProduct } from "../agents/agent-test-kit.js";
import { type Agent, agentJwt, apiAudience, call, newHost, register } from "../security/support/protocol-client.js";
import { signInCookie } from "../support/merchant.js";
import { createStoreOwner, issueApiKey, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { callArbitrary } from "./schema-arbitrary.js";

/**
 * Fixed so a failure replays (FUZZ_SEED explores others); runs per operation
 * and caller: 18 operations × 3–4 callers × RUNS ≈ 4,000 requests by default
 * (FUZZ_RUNS=150 for a deeper search, ~70 s).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_129);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

type Caller = "storefrontKey" | "adminKey" | "session" | "agent";

/** Flat capability arguments: parameters and body fields by name (or the whole body under `body`). */
type Arguments = Record<string, unknown>;

interface Finding {
  readonly operation: CapabilityName;
  readonly caller: Caller;
  readonly request: string;
  readonly status: number;
  readonly body: string;
}

describe("fuzzing every operation from its schema", () => {
  let app: TestApp;
  let owner: StoreOwner;
  let headersOf: Record<Caller, () => Promise<Record<string, string>>>;
  let knownValues: Record<string, unknown[]>;
  const findings: Finding[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    owner = await createStoreOwner(app.auth, "Fuzz Store");
    const storefrontKey = await issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront"] });
    const adminKey = await issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront", "admin"] });
    const cookie = await signInCookie(app, owner.email, owner.password);
    // A session acts in its active store.
    await call(app, "/api/auth/organization/set-active", { cookie, body: { organizationId: owner.organizationId } });
    const agent = await approvedAgent(app, cookie);
    headersOf = {
      storefrontKey: async () => ({ "x-api-key": storefrontKey }),
      adminKey: async () => ({ "x-api-key": adminKey }),
      session: async () => ({ cookie, origin: app.baseUrl }),
      agent: async () => ({ authorization: `Bearer ${await agentJwt(agent, apiAudience(app))}` }),
    };
    knownValues = await seedRecords(app, owner, adminKey);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  for (const name of capabilityNames) {
    it(`${name}: never 5xx, every refusal problem+json`, async () => {
      const operation = capabilities[name];
      const root = operation.inputSchema as Record<string, unknown>;
      const argumentsArbitrary = callArbitrary(root, knownValues) as fc.Arbitrary<Arguments>;
      // A storefront key only ever gets 403 on admin operations: its runs go to the callers that reach the handler.
      const callers = (Object.keys(headersOf) as Caller[]).filter((caller) => operation.scope !== "admin" || caller !== "storefrontKey");
      for (const caller of callers) {
        await fc.assert(
          fc.asyncProperty(argumentsArbitrary, async (args) => {
            const finding = await send(app, operation, caller, await headersOf[caller](), args);
            if (finding) findings.push(finding);
            // Findings are collected and reported with their request below (shrinking would resend hundreds of calls).
            return true;
          }),
          { seed: SEED, numRuns: RUNS },
        );
      }
      const mine = findings.filter((finding) => finding.operation === name);
      expect(mine, JSON.stringify(mine.slice(0, 5), null, 2)).toEqual([]);
    }, 120_000);
  }
});

/** Sends one generated call; a finding when the answer breaks the rules. */
async function send(
  app: TestApp,
  operation: CapabilityDefinition,
  caller: Caller,
  auth: Record<string, string>,
  args: Arguments,
): Promise<Finding | undefined> {
  const params: Arguments = args && typeof args === "object" && !Array.isArray(args) ? args : {};
  let path = operation.path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = { ...auth };
  for (const parameter of operation.parameters) {
    const value = params[parameter.name];
    if (parameter.in === "path") path = path.replace(`{${parameter.name}}`, encodePathSegment(text(value ?? "missing")));
    else if (value === undefined) continue;
    else if (parameter.in === "query") for (const item of [value].flat()) query.append(parameter.name, text(item));
    else headers[parameter.name] = text(value);
  }
  const requestBody = operation.method !== "GET" && operation.method !== "DELETE" ? bodyOf(operation, params) : undefined;
  const hasBody = requestBody !== undefined;
  if (hasBody) headers["content-type"] = "application/json";
  const url = `${app.baseUrl}${path}${query.size > 0 ? `?${query}` : ""}`;
  let response: Response;
  try {
    response = await fetch(url, { method: operation.method, headers, body: hasBody ? JSON.stringify(requestBody.value) : undefined });
  } catch (error) {
    // A header value no HTTP client can send (control characters): not a request the server can receive.
    if (error instanceof TypeError && /header|ByteString/i.test(String(error.message) + String((error as { cause?: unknown }).cause)))
      return undefined;
    throw error;
  }
  const body = await response.text();
  const request = `${operation.method} ${url} ${hasBody ? String(JSON.stringify(requestBody.value)).slice(0, 300) : ""}`;
  const finding = (why: string): Finding => ({
    operation: operation.name,
    caller,
    request,
    status: response.status,
    body: `${why}: ${body.slice(0, 300)}`,
  });
  if (response.status >= 500) return finding("server error");
  if (response.status < 400) return undefined;
  if (!(response.headers.get("content-type") ?? "").includes("application/problem+json")) return finding("not problem+json");
  const problem = JSON.parse(body) as { code?: unknown; status?: unknown; errors?: { pointer?: unknown }[] };
  if (typeof problem.code !== "string" || problem.status !== response.status) return finding("no code or wrong status");
  if (
    response.status === 400 &&
    problem.errors !== undefined &&
    !problem.errors.every((error) => typeof error.pointer === "string" && error.pointer.startsWith("/"))
  ) {
    return finding("a field error without a JSON pointer");
  }
  return undefined;
}

/**
 * The HTTP body of flat arguments, as the capability's `body` says: a wrapped
 * body is its argument; a flat one gathers every argument that is not a
 * parameter, unknown ones too, so `/v1` must refuse those by name.
 */
function bodyOf(operation: CapabilityDefinition, args: Arguments): { value: unknown } | undefined {
  const body = operation.body;
  if (body.mode === "none") return undefined;
  if (body.mode === "wrapped") return Object.hasOwn(args, body.argument) ? { value: args[body.argument] } : undefined;
  const parameterNames = new Set(operation.parameters.map((parameter) => parameter.name));
  const fields = Object.entries(args).filter(([name]) => !parameterNames.has(name));
  return fields.length > 0 || body.required ? { value: Object.fromEntries(fields) } : undefined;
}

/** Percent-encodes a path segment; lone surrogates go out as their (invalid UTF-8) WTF-8 bytes, as a raw client could send them. */
function encodePathSegment(value: string): string {
  return [...value]
    .map((char) => {
      const code = char.charCodeAt(0);
      if (char.length === 1 && code >= 0xd800 && code <= 0xdfff)
        return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
      return encodeURIComponent(char);
    })
    .join("");
}

function text(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "");
}

/** An agent of the owner's approved for every capability a password session may approve. */
async function approvedAgent(app: TestApp, cookie: string): Promise<Agent> {
  const wanted = capabilityNames.filter((name) => capabilities[name].approvalStrength === "session");
  const agent = await register(app, await newHost(), wanted);
  const approved = await call(app, "/api/auth/agent/approve-capability", {
    cookie,
    body: { agent_id: agent.id, action: "approve", user_code: agent.userCode },
  });
  if (approved.status !== 200) throw new Error(`agent approval failed: ${approved.status} ${JSON.stringify(approved.body)}`);
  return agent;
}

/** A product, a cart with a line and an order, whose ids the fuzzer uses so calls reach past "not found". */
async function seedRecords(app: TestApp, owner: StoreOwner, adminKey: string): Promise<Record<string, unknown[]>> {
  const product = await createProduct(app, owner, "FUZZ-1");
  const headers = { "content-type": "application/json", "x-api-key": adminKey };
  const cart = (await (
    await fetch(`${app.baseUrl}/v1/carts`, { method: "POST", headers, body: JSON.stringify({ currency: "EUR" }) })
  ).json()) as { id: string };
  await fetch(`${app.baseUrl}/v1/carts/${cart.id}/items`, {
    method: "POST",
    headers,
    body: JSON.stringify({ product_id: product.id, quantity: 1 }),
  });
  const order = (await (
    await fetch(`${app.baseUrl}/v1/orders`, {
      method: "POST",
      headers: { ...headers, "idempotency-key": "fuzz-seed-order" },
      body: JSON.stringify({ cart_id: cart.id }),
    })
  ).json()) as { id?: string };
  return { product_id: [product.id], cart_id: [cart.id], order_id: order.id ? [order.id] : [], currency: ["EUR"] };
}
