/*
 * Control characters in the API's text fields, the attacks of the "keeps
 * working through hostile input" issue: each used to be a 500 (PostgreSQL
 * refuses U+0000 in text). Now every one is 400 problem+json naming the
 * field, on `/v1` and through `capability/execute` (both token audiences),
 * and reading back shows nothing was stored. Multi-line free text
 * (descriptions, notes, refund reasons) takes tabs and line breaks.
 * The rule comes from the contract: codegen/schema/control-characters.ts.
 */
import { randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentConnection } from "../../generated/sdk/index.js";
import { connectTestAgent, createProduct, decide, placeTestOrder } from "../agents/agent-test-kit.js";
import { createStoreOwner, issueApiKey, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";

interface Reply {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: Record<string, unknown>;
}

let app: TestApp;
let owner: StoreOwner;
let adminKey: string;
let product: { id: string };
let order: { id: string };
let agent: AgentConnection;

beforeAll(async () => {
  app = await startTestApp();
  owner = await createStoreOwner(app.auth, "Hostile Input Store");
  adminKey = await issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront", "admin"] });
  product = await createProduct(app, owner, "HOSTILE-1");
  order = await placeTestOrder(app, owner, product);
  const connected = await connectTestAgent(app, [
    "listProducts",
    "createCart",
    "addCartItem",
    "placeOrder",
    "adminCreateProduct",
    "adminUpdateProduct",
  ]);
  await decide(app, owner, connected, "approve");
  agent = connected.agent;
});
afterAll(() => app?.close());

/** One call to /v1 with the admin key. */
async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: { "x-api-key": adminKey, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** `capability/execute` as the agent, with a token for the plugin (issuer) or for the API (`/v1`, our fast route). */
async function execute(capability: string, args: unknown, audience: "issuer" | "api"): Promise<Reply> {
  const token = await agent.session.createJwt(audience === "api" ? `${app.baseUrl}/v1` : undefined);
  const response = await fetch(`${app.baseUrl}/api/auth/capability/execute`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ capability, arguments: args }),
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** Everything a refused request could have written. */
async function snapshot() {
  const [products, adjustments, carts, orders, refunds, keys] = await Promise.all([
    app.db.selectFrom("products").select(["id", "sku", "name", "description", "inventory", "updated_at"]).orderBy("id").execute(),
    app.db.selectFrom("inventory_adjustments").select("id").execute(),
    app.db.selectFrom("carts").select(["id", "status"]).orderBy("id").execute(),
    app.db.selectFrom("orders").select(["id", "status", "refunded_amount"]).orderBy("id").execute(),
    app.db.selectFrom("refunds").select("id").execute(),
    app.db.selectFrom("idempotency_keys").select("key").orderBy("key").execute(),
  ]);
  return { products, adjustments, carts, orders, refunds, keys };
}

function expectFieldRefused(reply: Reply, pointer: string, label: string): void {
  expect(reply.status, `${label}: ${JSON.stringify(reply.body)}`).toBe(400);
  // Direct calls and both execute routes answer with the same problem document.
  const problem = reply.body as { code?: string; errors?: { pointer: string; code?: string }[] };
  expect(problem.code, label).toBe("validation_failed");
  expect(problem.errors, label).toEqual([expect.objectContaining({ pointer, code: "pattern" })]);
}

interface Case {
  readonly name: string;
  readonly send: (text: string) => Promise<Reply>;
  readonly pointer: string;
  /** Multi-line free text: TAB, LF and CR are allowed there. */
  readonly freeText?: boolean;
}

const key = () => randomUUID();
const price = { amount: 1500, currency: "EUR" };

const CASES: readonly Case[] = [
  {
    name: "adminCreateProduct name",
    send: (text) =>
      api("POST", "/v1/admin/products", { sku: `NUL-${key().slice(0, 8)}`, name: `Mug${text}`, price }, { "idempotency-key": key() }),
    pointer: "/body/name",
  },
  {
    name: "adminCreateProduct description",
    send: (text) =>
      api(
        "POST",
        "/v1/admin/products",
        { sku: `NUL-${key().slice(0, 8)}`, name: "Mug", description: `A mug${text}`, price },
        { "idempotency-key": key() },
      ),
    pointer: "/body/description",
    freeText: true,
  },
  {
    name: "adminUpdateProduct name",
    send: (text) => api("PATCH", `/v1/admin/products/${product.id}`, { name: `Mug${text}` }),
    pointer: "/body/name",
  },
  {
    name: "adminUpdateProduct description",
    send: (text) => api("PATCH", `/v1/admin/products/${product.id}`, { description: `A mug${text}` }),
    pointer: "/body/description",
    freeText: true,
  },
  {
    name: "adminAdjustInventory note",
    send: (text) =>
      api("POST", `/v1/admin/products/${product.id}/inventory-adjustments`, { delta: 1, reason: "other", note: `counted${text}` }),
    pointer: "/body/note",
    freeText: true,
  },
  {
    name: "adminRefundOrder reason",
    send: (text) =>
      api(
        "POST",
        `/v1/admin/orders/${order.id}/refunds`,
        { amount: { amount: 1, currency: "EUR" }, reason: `chipped${text}` },
        { "idempotency-key": key() },
      ),
    pointer: "/body/reason",
    freeText: true,
  },
  { name: "listProducts q", send: (text) => api("GET", `/v1/products?q=${encodeURIComponent(`mug${text}`)}`), pointer: "/query/q" },
  {
    name: "placeOrder Idempotency-Key through capability/execute",
    send: async (text) => {
      const cart = await execute("createCart", { currency: "EUR" }, "api");
      const cartId = (cart.body.data as { id: string }).id;
      await execute("addCartItem", { cart_id: cartId, product_id: product.id, quantity: 1 }, "api");
      return execute("placeOrder", { "Idempotency-Key": `key${text}`, cart_id: cartId }, "issuer");
    },
    pointer: "/header/idempotency-key",
  },
  {
    name: "adminCreateProduct name through capability/execute (issuer token)",
    send: (text) =>
      execute("adminCreateProduct", { "Idempotency-Key": key(), sku: `NUL-${key().slice(0, 8)}`, name: `Mug${text}`, price }, "issuer"),
    pointer: "/body/name",
  },
  {
    name: "adminUpdateProduct description through capability/execute (API token)",
    send: (text) => execute("adminUpdateProduct", { product_id: product.id, description: `A mug${text}` }, "api"),
    pointer: "/body/description",
    freeText: true,
  },
  {
    name: "listProducts q through capability/execute (API token)",
    send: (text) => execute("listProducts", { q: `mug${text}` }, "api"),
    pointer: "/query/q",
  },
];

const REFUSED = ["\u0000", "\u0001", "\u0008", "\u001b", "\u001f", "\u007f"];
const WHITESPACE = ["\t", "\n", "\r"];

describe("text fields refuse control characters", () => {
  it.each(CASES)("$name: NUL and other C0 → 400 naming $pointer; nothing stored", async ({ send, pointer, freeText, name }) => {
    const refused = freeText ? REFUSED : [...REFUSED, ...WHITESPACE];
    for (const char of refused) {
      const before = await snapshot();
      const reply = await send(char);
      // Carts made on the way to placeOrder are the attack's set-up, not its effect.
      const after = await snapshot();
      expectFieldRefused(reply, pointer, `${name} with ${JSON.stringify(char)}`);
      expect({ ...after, carts: [] }).toEqual({ ...before, carts: [] });
      if (!name.includes("execute")) expect(reply.contentType).toMatch(/^application\/problem\+json/);
    }
  });

  it("the execute refusal is the direct call's: same status and field errors", async () => {
    const direct = await api("GET", `/v1/products?q=${encodeURIComponent("a\u0000")}`);
    const executed = await execute("listProducts", { q: "a\u0000" }, "issuer");
    expect(executed.status).toBe(direct.status);
    expect(executed.body.errors).toEqual(direct.body.errors);
  });
});

describe("free text takes tabs and line breaks", () => {
  const text = "Line 1\n\tLine 2\r\nEnd";

  it("a product description is stored and read back as sent", async () => {
    const created = await api(
      "POST",
      "/v1/admin/products",
      { sku: "MULTI-LINE", name: "Mug", description: text, price },
      { "idempotency-key": key() },
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await api("GET", `/v1/products/${String(created.body.id)}`)).body.description).toBe(text);
    const updated = await api("PATCH", `/v1/admin/products/${String(created.body.id)}`, { description: `${text}\n` });
    expect(updated.body.description).toBe(`${text}\n`);
  });

  it("an inventory note and a refund reason are stored as sent", async () => {
    expect(
      (await api("POST", `/v1/admin/products/${product.id}/inventory-adjustments`, { delta: 1, reason: "other", note: text })).status,
    ).toBe(200);
    expect(
      (await app.db.selectFrom("inventory_adjustments").select("note").where("product_id", "=", product.id).executeTakeFirstOrThrow()).note,
    ).toBe(text);
    const refund = await api(
      "POST",
      `/v1/admin/orders/${order.id}/refunds`,
      { amount: { amount: 1, currency: "EUR" }, reason: text },
      { "idempotency-key": key() },
    );
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    expect(refund.body.reason).toBe(text);
  });

  it("names and searches still take any printable text", async () => {
    const created = await api(
      "POST",
      "/v1/admin/products",
      { sku: "ZOE-1", name: "Tasse für Zoë 🙂 店", price },
      { "idempotency-key": key() },
    );
    expect(created.status).toBe(201);
    const found = await api("GET", `/v1/products?q=${encodeURIComponent("zoë 🙂")}`);
    expect((found.body.data as { sku: string }[]).map((item) => item.sku)).toEqual(["ZOE-1"]);
  });
});

describe("Idempotency-Key: 1 to 255 visible ASCII characters", () => {
  /** Over node:http, which (unlike fetch) sends a TAB or a Latin-1 byte inside a header value. */
  function placeOrderWithKey(keyValue: string): Promise<Reply> {
    const url = new URL("/v1/orders", app.baseUrl);
    const payload = JSON.stringify({ cart_id: randomUUID() });
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          hostname: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { "x-api-key": adminKey, "content-type": "application/json", "idempotency-key": keyValue },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: res.headers["content-type"] ?? null,
              body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  it.each([
    { name: "a TAB inside", value: "a\tb" },
    { name: "a space inside", value: "a b" },
    { name: "a Latin-1 letter", value: "cl\u00e9" },
  ])("$name → 400 naming /header/idempotency-key", async ({ value }) => {
    expectFieldRefused(await placeOrderWithKey(value), "/header/idempotency-key", value);
  });

  it("a UUID and any visible ASCII pass validation (then the cart is looked up: 404)", async () => {
    for (const value of [randomUUID(), "!~#$%&'*+-.^_`|{}"]) {
      const reply = await placeOrderWithKey(value);
      expect(reply.status, JSON.stringify(reply.body)).toBe(404);
      expect(reply.body.code).toBe("cart_not_found");
    }
  });
});
