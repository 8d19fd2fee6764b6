import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentConnection } from "../../generated/sdk/index.js";
import { createStoreOwner, issueApiKey, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { connectTestAgent, createProduct, decide, executeAs } from "./agent-test-kit.js";

/** POST capability/execute as the agent, the way a protocol client does (issuer-audience token). */
function execute(app: TestApp, agent: AgentConnection, capability: string, args?: unknown) {
  return executeAs(app, agent, capability, args);
}

/** A problem as execute answers it: `error` is its code, `message` its detail. */
function withProtocolFields(problem: unknown): Record<string, unknown> {
  const { code, detail } = problem as { code: string; detail: string };
  return { ...(problem as Record<string, unknown>), error: code, message: detail };
}

describe("capability/execute in-process", () => {
  let app: TestApp;
  let owner: StoreOwner;
  let other: StoreOwner;
  let agent: AgentConnection;
  let product: { id: string };
  let foreignProduct: { id: string };

  beforeAll(async () => {
    app = await startTestApp();
    [owner, other] = [await createStoreOwner(app.auth, "Exec Store"), await createStoreOwner(app.auth, "Other Store")];
    [product, foreignProduct] = await Promise.all([createProduct(app, owner, "EX-1"), createProduct(app, other, "EX-2")]);
    const connected = await connectTestAgent(app, ["listProducts", "getProduct", "createCart", "addCartItem", "placeOrder", "getOrder"]);
    await decide(app, owner, connected, "approve");
    agent = connected.agent;
  });

  afterAll(async () => {
    await app?.close();
  });

  it("returns what the direct call returns", async () => {
    const direct = await agent.client.GET("/v1/products", { params: { query: { limit: 5 } } });
    const executed = await execute(app, agent, "listProducts", { limit: 5 });
    expect(executed.status).toBe(200);
    expect(executed.body.data).toEqual(direct.data);
    const one = await execute(app, agent, "getProduct", { product_id: product.id });
    expect(one.body.data).toEqual(
      (await agent.client.GET("/v1/products/{product_id}", { params: { path: { product_id: product.id } } })).data,
    );
  });

  it("refuses the same way: another store's id is 404, bad values are 400 with the router's field pointers", async () => {
    const foreign = await execute(app, agent, "getProduct", { product_id: foreignProduct.id });
    const directForeign = await agent.client.GET("/v1/products/{product_id}", { params: { path: { product_id: foreignProduct.id } } });
    expect(foreign.status).toBe(404);
    // The direct call's problem, with the protocol's error and message beside it.
    expect(foreign.body).toEqual(withProtocolFields(directForeign.error));

    const invalid = await execute(app, agent, "listProducts", { limit: 1000 });
    const directInvalid = await agent.client.GET("/v1/products", { params: { query: { limit: 1000 } } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual(withProtocolFields(directInvalid.error));
    expect(invalid.body.errors).toEqual([expect.objectContaining({ pointer: "/query/limit" })]);
  });

  it("validates the arguments' names before anything runs: each unknown one is named", async () => {
    const unknownParameter = await execute(app, agent, "listProducts", { colour: "red" });
    expect(unknownParameter.status).toBe(400);
    expect(unknownParameter.body.errors).toEqual([
      expect.objectContaining({ pointer: "/arguments/colour", code: "unevaluatedProperties" }),
    ]);
    // One shape only: the old { params, body } wrapper is refused, not guessed at.
    const wrapped = await execute(app, agent, "createCart", { body: { currency: "EUR" } });
    expect(wrapped).toMatchObject({
      status: 400,
      body: { code: "validation_failed", errors: [expect.objectContaining({ pointer: "/arguments/body" })] },
    });
    const stray = await execute(app, agent, "createCart", { currency: "EUR", extra: 1 });
    expect(stray).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ pointer: "/arguments/extra" })] } });
  });

  it("validates values with the router's validators: the same field errors as /v1", async () => {
    const missingField = await execute(app, agent, "createCart", {});
    const directMissing = await agent.client.POST("/v1/carts", { body: {} as never });
    expect(missingField.status).toBe(400);
    expect(missingField.body).toEqual(withProtocolFields(directMissing.error));
    expect(missingField.body.errors).toEqual([expect.objectContaining({ pointer: "/body/currency", code: "required" })]);
    const wrongType = await execute(app, agent, "createCart", { currency: 12 });
    expect(wrongType).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ pointer: "/body/currency" })] } });
    const missingHeader = await execute(app, agent, "placeOrder", { cart_id: randomUUID() });
    expect(missingHeader).toMatchObject({
      status: 400,
      body: { errors: [expect.objectContaining({ pointer: "/header/idempotency-key", code: "required" })] },
    });
  });

  it("shops end to end: cart, item, order with an Idempotency-Key parameter, replayed on retry", async () => {
    const cart = await execute(app, agent, "createCart", { currency: "EUR" });
    const cartId = (cart.body.data as { id: string }).id;
    const item = await execute(app, agent, "addCartItem", { cart_id: cartId, product_id: product.id, quantity: 1 });
    expect(item.status).toBe(200);
    const key = randomUUID();
    const order = await execute(app, agent, "placeOrder", { "Idempotency-Key": key, cart_id: cartId });
    expect(order.status).toBe(200);
    const retry = await execute(app, agent, "placeOrder", { "Idempotency-Key": key, cart_id: cartId });
    expect(retry.body.data).toEqual(order.body.data);
    const direct = await agent.client.GET("/v1/orders/{order_id}", {
      params: { path: { order_id: (order.body.data as { id: string }).id } },
    });
    expect(direct.data).toEqual(order.body.data);
  });

  it("accepts the SDK's API-audience token too (verified from cached facts), once", async () => {
    const token = await agent.session.createJwt(`${app.baseUrl}/v1`);
    const call = () =>
      fetch(`${app.baseUrl}/api/auth/capability/execute`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ capability: "getProduct", arguments: { product_id: product.id } }),
      });
    const first = await call();
    expect(first.status).toBe(200);
    expect(((await first.json()) as { data: unknown }).data).toEqual(
      (await agent.client.GET("/v1/products/{product_id}", { params: { path: { product_id: product.id } } })).data,
    );
    const replay = await call();
    expect(replay.status).toBe(401);
    // The same token on /v1 is a replay as well: one cache for both.
    expect((await fetch(`${app.baseUrl}/v1/products`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("needs the capability's own grant", async () => {
    const refused = await execute(app, agent, "adminListOrders");
    expect(refused.status).toBe(403);
    expect(refused.body.error ?? refused.body.code).toBe("capability_not_granted");
  });
});

describe("capability/execute in proxy mode (API on another server)", () => {
  let keyIssuer: TestApp;
  let api: TestApp;
  let authServer: TestApp;
  let owner: StoreOwner;
  let agent: AgentConnection;

  beforeAll(async () => {
    keyIssuer = await startTestApp();
    owner = await createStoreOwner(keyIssuer.auth, "Proxy Store");
    await createProduct(keyIssuer, owner, "PX-1");
    const proxyKey = await issueApiKey(keyIssuer.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront"] });
    // The API server knows the proxy key from its configuration (AGENT_PROXY_API_KEY).
    api = await startTestApp({ database: keyIssuer.database, proxyApiKey: proxyKey });
    authServer = await startTestApp({ database: api.database, execution: { kind: "proxy", apiUrl: api.baseUrl, apiKey: proxyKey } });
    const connected = await connectTestAgent(authServer, ["listProducts", "createCart", "adminListOrders"]);
    await decide(authServer, owner, connected, "approve");
    agent = connected.agent;
  });

  afterAll(async () => {
    await authServer?.close();
    await api?.close();
    await keyIssuer?.close();
  });

  it("calls the API over HTTP with the proxy key and gives the direct call's result", async () => {
    const executed = await execute(authServer, agent, "listProducts", {});
    expect(executed.status).toBe(200);
    expect((executed.body.data as { data: { sku: string }[] }).data.map((product) => product.sku)).toEqual(["PX-1"]);
  });

  it("refuses what the proxy key's scopes do not cover", async () => {
    const refused = await execute(authServer, agent, "adminListOrders");
    expect(refused).toMatchObject({ status: 403, body: { code: "insufficient_scope" } });
  });

  it("refuses x-agent-id with any key but the configured proxy key", async () => {
    const stranger = await createStoreOwner(api.auth, "Stranger Store");
    const strangerKey = await issueApiKey(api.auth, stranger.userId, { organizationId: stranger.organizationId, scopes: ["storefront"] });
    const response = await fetch(`${api.baseUrl}/v1/products`, {
      headers: { "x-api-key": strangerKey, "x-agent-id": agent.session.agentId },
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe("proxy_key_required");
  });
});
