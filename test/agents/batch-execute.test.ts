/*
 * capability/batch-execute reports each refused item with the refusal a
 * single execute answers with: HTTP status, `error`/`code` and `message`
 * (plus the problem's detail and field errors). Regression: the plugin's
 * batch route reduced errors thrown by our onExecute to
 * `{ code: body.error ?? "internal_error", message: err.message }`, and our
 * problem bodies had neither `error` nor `message`, so every refusal came
 * back as `internal_error` with an empty message.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentConnection } from "../../generated/sdk/index.js";
import { createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { connectTestAgent, createProduct, decide } from "./agent-test-kit.js";

interface BatchItem {
  readonly id: string;
  readonly status: "completed" | "failed";
  readonly data?: unknown;
  readonly error?: Record<string, unknown>;
}

async function post(
  app: TestApp,
  agent: AgentConnection,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${app.baseUrl}/api/auth/capability/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${await agent.session.createJwt()}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("capability/batch-execute refusals", () => {
  let app: TestApp;
  let owner: StoreOwner;
  let agent: AgentConnection;
  let product: { id: string };

  beforeAll(async () => {
    app = await startTestApp();
    owner = await createStoreOwner(app.auth, "Batch Store");
    product = await createProduct(app, owner, "BATCH-1");
    const connected = await connectTestAgent(app, ["listProducts", "getCart", "createCart", "addCartItem"]);
    await decide(app, owner, connected, "approve");
    agent = connected.agent;
  });

  afterAll(async () => {
    await app?.close();
  });

  it("answers each item like a single execute: status, error/code and message", async () => {
    const cart = await post(app, agent, "execute", { capability: "createCart", arguments: { currency: "EUR" } });
    const cartId = (cart.body.data as { id: string }).id;
    const missingCart = randomUUID();
    const batch = await post(app, agent, "batch-execute", {
      requests: [
        { id: "list", capability: "listProducts", arguments: { limit: 5 } },
        { id: "missing", capability: "getCart", arguments: { cart_id: missingCart } },
        { id: "too-many", capability: "addCartItem", arguments: { cart_id: cartId, product_id: product.id, quantity: 10 } },
        { id: "invalid", capability: "listProducts", arguments: { limit: 1000 } },
        { id: "not-granted", capability: "adminListOrders" },
        { id: "unknown", capability: "noSuchThing" },
      ],
    });
    expect(batch.status).toBe(200);
    const items = new Map((batch.body.responses as BatchItem[]).map((item) => [item.id, item]));

    expect(items.get("list")).toMatchObject({ status: "completed", data: { data: [expect.objectContaining({ id: product.id })] } });

    // Each refusal equals what the single execute answers (body and status).
    for (const [id, capability, args] of [
      ["missing", "getCart", { cart_id: missingCart }],
      ["too-many", "addCartItem", { cart_id: cartId, product_id: product.id, quantity: 10 }],
      ["invalid", "listProducts", { limit: 1000 }],
    ] as const) {
      const single = await post(app, agent, "execute", { capability, arguments: args });
      expect(items.get(id), id).toEqual({ id, status: "failed", error: { ...single.body, status: single.status } });
    }
    expect(items.get("missing")!.error).toMatchObject({
      status: 404,
      code: "cart_not_found",
      error: "cart_not_found",
      message: `No cart ${missingCart} in this store.`,
    });
    expect(items.get("too-many")!.error).toMatchObject({
      status: 409,
      code: "insufficient_inventory",
      error: "insufficient_inventory",
      message: expect.stringContaining("in stock"),
    });
    expect(items.get("invalid")!.error).toMatchObject({
      status: 400,
      error: "validation_failed",
      message: "1 invalid field(s)",
      errors: [expect.objectContaining({ pointer: "/query/limit" })],
    });

    // Refused by the plugin before our handler runs: the same problem its single execute answers with.
    for (const [id, capability, status] of [
      ["not-granted", "adminListOrders", 403],
      ["unknown", "noSuchThing", 404],
    ] as const) {
      const single = await post(app, agent, "execute", { capability });
      expect(single.status, id).toBe(status);
      expect(single.body, id).toMatchObject({
        type: `/problems/${single.body.error}`,
        status,
        code: single.body.error,
        message: expect.stringMatching(/\S/),
      });
      // The same problem (status, type, code, error); the wording may differ: single execute is answered by our verifier, batch by the plugin.
      expect(items.get(id), id).toEqual({
        id,
        status: "failed",
        error: { ...single.body, title: expect.any(String), detail: expect.stringMatching(/\S/), message: expect.stringMatching(/\S/) },
      });
    }
  });

  it("single execute sends the protocol's error and message beside the problem", async () => {
    const missing = randomUUID();
    const single = await post(app, agent, "execute", { capability: "getCart", arguments: { cart_id: missing } });
    expect(single).toMatchObject({
      status: 404,
      body: {
        type: "/problems/cart_not_found",
        code: "cart_not_found",
        error: "cart_not_found",
        message: `No cart ${missing} in this store.`,
      },
    });
  });
});
