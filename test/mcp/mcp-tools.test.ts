/*
 * /mcp driven by the SDK's own Client over real HTTP: the tools are the
 * contract's operations (as generated), filtered by the caller's scopes, and
 * a call runs the same dispatcher as /v1 (validation, scope, grants, tenant).
 */
import { randomUUID } from "node:crypto";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mcpTools } from "../../generated/mcp-tools.js";
import { createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { callOk, callTool, connectClient, problemOf, TestTokens, textOf } from "./mcp-test-kit.js";

interface Product {
  id: string;
  sku: string;
}

describe("MCP tools", () => {
  const tokens = new TestTokens();
  let app: TestApp;
  let owner: StoreOwner;
  let other: StoreOwner;
  let admin: Client;
  let shopper: Client;
  let product: Product;
  let foreignProduct: Product;

  async function createProductAs(client: Client, sku: string): Promise<Product> {
    return callOk<Product>(client, "adminCreateProduct", {
      "Idempotency-Key": `create-${sku}`,
      sku,
      name: `Product ${sku}`,
      price: { amount: 1200, currency: "EUR" },
      inventory: 5,
    });
  }

  beforeAll(async () => {
    app = await startTestApp({ mcp: tokens.access });
    [owner, other] = [await createStoreOwner(app.auth, "MCP Store"), await createStoreOwner(app.auth, "Other Store")];
    admin = await connectClient(app.baseUrl, tokens.apiKey(owner, ["storefront", "admin"]));
    shopper = await connectClient(app.baseUrl, tokens.apiKey(owner, ["storefront"]));
    product = await createProductAs(admin, "MCP-1");
    const otherAdmin = await connectClient(app.baseUrl, tokens.apiKey(other, ["storefront", "admin"]));
    foreignProduct = await createProductAs(otherAdmin, "MCP-2");
    await otherAdmin.close();
  });

  afterAll(async () => {
    await Promise.all([admin?.close(), shopper?.close()]);
    await app?.close();
  });

  it("initializes statelessly: the server's tools capability, no session id", async () => {
    expect(admin.getServerCapabilities()).toMatchObject({ tools: {} });
    expect(admin.getServerVersion()).toMatchObject({ name: "commerce-api" });
    const response = await fetch(`${app.baseUrl}/mcp`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tokens.apiKey(owner, ["storefront"])}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("mcp-session-id")).toBeNull();
    expect(await response.json()).toMatchObject({ id: 1, result: { protocolVersion: "2025-11-25" } });
  });

  it("lists exactly the tools of the caller's scopes, as generated", async () => {
    const all = await admin.listTools();
    expect(all.tools).toEqual(mcpTools.map((definition) => definition.tool));
    const storefront = await shopper.listTools();
    expect(storefront.tools).toEqual(
      mcpTools.filter((definition) => definition.scope === "storefront").map((definition) => definition.tool),
    );
    expect(storefront.tools.some((tool) => tool.name.startsWith("admin"))).toBe(false);
  });

  it("refuses an admin tool to a storefront caller as a tool error: insufficient_scope", async () => {
    const result = await callTool(shopper, "adminListOrders", {});
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^insufficient_scope: adminListOrders needs the "admin" scope\./);
    expect(problemOf(result)).toMatchObject({ status: 403, code: "insufficient_scope" });
  });

  it("answers an unknown tool with JSON-RPC Invalid params", async () => {
    const call = shopper.callTool({ name: "launchRocket", arguments: {} });
    await expect(call).rejects.toBeInstanceOf(McpError);
    await expect(call).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
      message: expect.stringContaining("Unknown tool: launchRocket"),
    });
  });

  it("shops: browse, create a cart, add an item, place the order twice with one idempotency key", async () => {
    const listed = await callOk<{ data: Product[] }>(shopper, "listProducts", { limit: 10 });
    expect(listed.data.map((item) => item.id)).toEqual([product.id]);
    const direct = await callTool(shopper, "getProduct", { product_id: product.id });
    // The text a model reads is the same body as the structured result.
    expect(JSON.parse(textOf(direct))).toEqual(direct.structuredContent);

    const cart = await callOk<{ id: string; currency: string }>(shopper, "createCart", { currency: "EUR" });
    expect(cart.currency).toBe("EUR");
    const withItem = await callOk<{ items: { product_id: string; quantity: number }[] }>(shopper, "addCartItem", {
      cart_id: cart.id,
      product_id: product.id,
      quantity: 2,
    });
    expect(withItem.items).toEqual([expect.objectContaining({ product_id: product.id, quantity: 2 })]);

    const order = { "Idempotency-Key": `order-${cart.id}`, cart_id: cart.id };
    const first = await callOk<{ id: string; status: string }>(shopper, "placeOrder", order);
    const again = await callOk<{ id: string }>(shopper, "placeOrder", order);
    expect(first.status).toBe("paid");
    expect(again).toEqual(first);
    const orders = await callOk<{ data: { id: string }[] }>(admin, "adminListOrders", {});
    expect(orders.data.filter((placed) => placed.id === first.id)).toHaveLength(1);
  });

  it("reports invalid arguments as a tool error naming each field, as /v1 does", async () => {
    const result = await callTool(shopper, "addCartItem", { cart_id: randomUUID(), product_id: product.id, quantity: 0 });
    expect(result.isError).toBe(true);
    const problem = problemOf(result);
    expect(problem).toMatchObject({
      status: 400,
      code: "validation_failed",
      errors: [expect.objectContaining({ pointer: "/body/quantity", code: "minimum" })],
    });
    // The model reads the field too.
    expect(textOf(result)).toMatch(/^validation_failed: .*\n\/body\/quantity /);

    const unknownArgument = await callTool(shopper, "createCart", { currency: "EUR", colour: "red" });
    expect(problemOf(unknownArgument)).toMatchObject({
      code: "validation_failed",
      errors: [expect.objectContaining({ pointer: "/arguments/colour" })],
    });
  });

  it("refuses a tool whose capability an agent was not granted: capability_not_granted", async () => {
    const agent = await connectClient(app.baseUrl, tokens.agent(owner, ["listProducts", "getProduct", "createCart", "addCartItem"]));
    try {
      const cart = await callOk<{ id: string }>(agent, "createCart", { currency: "EUR" });
      await callOk(agent, "addCartItem", { cart_id: cart.id, product_id: product.id, quantity: 1 });
      const result = await callTool(agent, "placeOrder", { "Idempotency-Key": `agent-${cart.id}`, cart_id: cart.id });
      expect(result.isError).toBe(true);
      expect(problemOf(result)).toMatchObject({ status: 403, code: "capability_not_granted" });
      expect(textOf(result)).toContain("/agent/request-capability");
    } finally {
      await agent.close();
    }
  });

  it("keeps to the caller's store: another store's product is not found", async () => {
    const result = await callTool(shopper, "getProduct", { product_id: foreignProduct.id });
    expect(result.isError).toBe(true);
    expect(problemOf(result)).toMatchObject({ status: 404, code: "product_not_found" });
  });
});
