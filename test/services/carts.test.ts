/*
 * Carts over HTTP: lines merge per product, quantities stay within stock
 * and 999, the subtotal follows current prices, and only open carts change.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Cart, CommerceClient, expectProblem, MISSING_ID } from "./support/commerce-client.js";
import { type CommerceServer, startCommerceServer } from "./support/commerce-server.js";

let server: CommerceServer;
let shop: CommerceClient;

beforeAll(async () => {
  server = await startCommerceServer();
  shop = new CommerceClient(server.baseUrl, `org-${randomUUID()}`);
});
afterAll(() => server.close());
afterEach(() => expect(server.unexpectedErrors).toEqual([]));

describe("createCart and getCart", () => {
  it("creates an empty open cart with a zero subtotal in its currency", async () => {
    const cart = await shop.createCart("USD");
    expect(cart).toEqual({
      id: expect.any(String),
      currency: "USD",
      status: "open",
      items: [],
      subtotal: { amount: 0, currency: "USD" },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(await shop.expectOk(200, "GET", `/v1/carts/${cart.id}`)).toEqual(cart);
  });

  it("answers 404 cart_not_found for an unknown cart", async () => {
    expectProblem(await shop.request("GET", `/v1/carts/${MISSING_ID}`), 404, "cart_not_found");
  });
});

describe("addCartItem", () => {
  it("adds a line priced at the product's price, and merges a second add of the same product", async () => {
    const mug = await shop.createProduct({ price: { amount: 1500, currency: "EUR" }, inventory: 10 });
    const plate = await shop.createProduct({ price: { amount: 250, currency: "EUR" }, inventory: 10 });
    const cart = await shop.createCart();
    await shop.addItem(cart.id, mug.id, 2);
    await shop.addItem(cart.id, plate.id, 1);
    const merged = await shop.addItem(cart.id, mug.id, 3);
    expect(merged.items).toEqual([
      {
        id: expect.any(String),
        product_id: mug.id,
        sku: mug.sku,
        name: mug.name,
        unit_price: { amount: 1500, currency: "EUR" },
        quantity: 5,
        line_total: { amount: 7500, currency: "EUR" },
      },
      expect.objectContaining({ product_id: plate.id, quantity: 1, line_total: { amount: 250, currency: "EUR" } }),
    ]);
    expect(merged.subtotal).toEqual({ amount: 7750, currency: "EUR" });
  });

  it("answers each declared error", async () => {
    const product = await shop.createProduct({ inventory: 5 });
    const dollars = await shop.createProduct({ price: { amount: 100, currency: "USD" } });
    const archived = await shop.createProduct();
    await shop.expectOk(200, "POST", `/v1/admin/products/${archived.id}/archive`);
    const cart = await shop.createCart();
    const add = (productId: string, quantity: number, cartId = cart.id) =>
      shop.request("POST", `/v1/carts/${cartId}/items`, { product_id: productId, quantity });

    expectProblem(await add(product.id, 1, MISSING_ID), 404, "cart_not_found");
    expectProblem(await add(MISSING_ID, 1), 404, "product_not_found");
    expectProblem(await add(archived.id, 1), 409, "product_unavailable");
    expectProblem(await add(dollars.id, 1), 409, "currency_mismatch");
    const short = expectProblem(await add(product.id, 6), 409, "insufficient_inventory");
    expect(short.errors).toEqual([{ pointer: "/body/quantity", detail: "At most 5 are available." }]);
    expectProblem(await add(product.id, 1000), 400, "validation_failed");
    // Nothing was added by the refused requests.
    expect((await shop.expectOk<Cart>(200, "GET", `/v1/carts/${cart.id}`)).items).toEqual([]);
  });

  it("refuses a merged quantity above 999 with 409 quantity_limit_exceeded", async () => {
    const product = await shop.createProduct({ inventory: 5000 });
    const cart = await shop.createCart();
    const before = await shop.addItem(cart.id, product.id, 990);
    const response = await shop.request("POST", `/v1/carts/${cart.id}/items`, { product_id: product.id, quantity: 10 });
    expect(expectProblem(response, 409, "quantity_limit_exceeded").errors).toEqual([{ pointer: "/body/quantity", detail: "must be <= 9" }]);
    // Nothing changed: the line keeps its 990, the cart its stamp.
    expect(await shop.expectOk<Cart>(200, "GET", `/v1/carts/${cart.id}`)).toEqual(before);
    expect((await shop.addItem(cart.id, product.id, 9)).items[0]).toMatchObject({ quantity: 999 });
  });
});

describe("updateCartItem and removeCartItem", () => {
  it("sets a quantity and removes a line", async () => {
    const product = await shop.createProduct({ inventory: 10 });
    const other = await shop.createProduct();
    const cart = await shop.createCart();
    await shop.addItem(cart.id, other.id, 1);
    const line = (await shop.addItem(cart.id, product.id, 1)).items[1]!;
    const updated = await shop.expectOk<Cart>(200, "PATCH", `/v1/carts/${cart.id}/items/${line.id}`, { quantity: 7 });
    expect(updated.items[1]).toMatchObject({ id: line.id, quantity: 7 });
    const removed = await shop.expectOk<Cart>(200, "DELETE", `/v1/carts/${cart.id}/items/${line.id}`);
    expect(removed.items.map((item) => item.product_id)).toEqual([other.id]);
    expect(removed.subtotal.amount).toBe(other.price.amount);
  });

  it("answers the declared errors", async () => {
    const product = await shop.createProduct({ inventory: 3 });
    const cart = await shop.createCart();
    const line = (await shop.addItem(cart.id, product.id, 1)).items[0]!;
    expectProblem(await shop.request("PATCH", `/v1/carts/${MISSING_ID}/items/${line.id}`, { quantity: 2 }), 404, "cart_not_found");
    expectProblem(await shop.request("PATCH", `/v1/carts/${cart.id}/items/${MISSING_ID}`, { quantity: 2 }), 404, "cart_item_not_found");
    expectProblem(await shop.request("PATCH", `/v1/carts/${cart.id}/items/${line.id}`, { quantity: 4 }), 409, "insufficient_inventory");
    expectProblem(await shop.request("DELETE", `/v1/carts/${MISSING_ID}/items/${line.id}`), 404, "cart_not_found");
    expectProblem(await shop.request("DELETE", `/v1/carts/${cart.id}/items/${MISSING_ID}`), 404, "cart_item_not_found");

    await shop.expectOk(200, "POST", `/v1/admin/products/${product.id}/archive`);
    expectProblem(await shop.request("PATCH", `/v1/carts/${cart.id}/items/${line.id}`, { quantity: 2 }), 409, "product_unavailable");
    // An archived product's line can still be removed: that is how the cart becomes orderable again.
    await shop.expectOk(200, "DELETE", `/v1/carts/${cart.id}/items/${line.id}`);
  });

  it("a line of another cart is 404 cart_item_not_found", async () => {
    const product = await shop.createProduct();
    const cart = await shop.createCart();
    const otherCart = await shop.createCart();
    const line = (await shop.addItem(otherCart.id, product.id, 1)).items[0]!;
    expectProblem(await shop.request("PATCH", `/v1/carts/${cart.id}/items/${line.id}`, { quantity: 2 }), 404, "cart_item_not_found");
    expectProblem(await shop.request("DELETE", `/v1/carts/${cart.id}/items/${line.id}`), 404, "cart_item_not_found");
  });
});

describe("an ordered cart", () => {
  it("refuses every change with 409 cart_not_open", async () => {
    const { cart, product } = await shop.orderOf(1);
    const line = (await shop.expectOk<Cart>(200, "GET", `/v1/carts/${cart.id}`)).items[0]!;
    expectProblem(await shop.request("POST", `/v1/carts/${cart.id}/items`, { product_id: product.id, quantity: 1 }), 409, "cart_not_open");
    expectProblem(await shop.request("PATCH", `/v1/carts/${cart.id}/items/${line.id}`, { quantity: 2 }), 409, "cart_not_open");
    expectProblem(await shop.request("DELETE", `/v1/carts/${cart.id}/items/${line.id}`), 409, "cart_not_open");
    expect((await shop.expectOk<Cart>(200, "GET", `/v1/carts/${cart.id}`)).status).toBe("ordered");
  });
});

describe("prices", () => {
  it("the cart shows current prices: a price change shows at once", async () => {
    const product = await shop.createProduct({ price: { amount: 1000, currency: "EUR" } });
    const cart = await shop.createCart();
    await shop.addItem(cart.id, product.id, 3);
    await shop.expectOk(200, "PATCH", `/v1/admin/products/${product.id}`, { price: { amount: 1200, currency: "EUR" } });
    const repriced = await shop.expectOk<Cart>(200, "GET", `/v1/carts/${cart.id}`);
    expect(repriced.items[0]).toMatchObject({
      unit_price: { amount: 1200, currency: "EUR" },
      line_total: { amount: 3600, currency: "EUR" },
    });
    expect(repriced.subtotal).toEqual({ amount: 3600, currency: "EUR" });
  });

  it("a line repriced in another currency stays out of the subtotal and blocks ordering", async () => {
    const product = await shop.createProduct({ price: { amount: 1000, currency: "EUR" } });
    const cart = await shop.createCart();
    await shop.addItem(cart.id, product.id, 1);
    await shop.expectOk(200, "PATCH", `/v1/admin/products/${product.id}`, { price: { amount: 900, currency: "GBP" } });
    const view = await shop.expectOk<Cart>(200, "GET", `/v1/carts/${cart.id}`);
    expect(view.subtotal).toEqual({ amount: 0, currency: "EUR" });
    expectProblem(await shop.placeOrder(cart.id), 409, "product_unavailable");
  });
});

// Regression: getCart answered 409 quantity_limit_exceeded (undeclared) when current prices put the
// cart's total beyond 2^53 - 1; the writes that could get it there refuse instead, so reading never does.
describe("totals beyond the largest amount (2^53 - 1 minor units)", () => {
  const LARGEST = Number.MAX_SAFE_INTEGER;

  it("adding a line that would pass it is refused; the cart reads as before", async () => {
    const dear = await shop.createProduct({ price: { amount: Math.floor(LARGEST / 2), currency: "EUR" }, inventory: 10 });
    const cart = await shop.createCart();
    await shop.addItem(cart.id, dear.id, 1);
    expectProblem(
      await shop.request("POST", `/v1/carts/${cart.id}/items`, { product_id: dear.id, quantity: 2 }),
      409,
      "quantity_limit_exceeded",
    );
    const view = await shop.expectOk<Cart>(200, "GET", `/v1/carts/${cart.id}`);
    expect(view.items).toEqual([expect.objectContaining({ quantity: 1 })]);
    expect(view.subtotal).toEqual({ amount: Math.floor(LARGEST / 2), currency: "EUR" });
  });

  it("a price change that would put a cart past it is refused (409 naming the price); the cart reads as before", async () => {
    const product = await shop.createProduct({ price: { amount: 1000, currency: "EUR" }, inventory: 10 });
    const cart = await shop.createCart();
    await shop.addItem(cart.id, product.id, 3);
    const refused = await shop.request("PATCH", `/v1/admin/products/${product.id}`, {
      price: { amount: Math.floor(LARGEST / 2), currency: "EUR" },
    });
    expect(expectProblem(refused, 409, "quantity_limit_exceeded").errors).toEqual([
      expect.objectContaining({ pointer: "/body/price/amount" }),
    ]);
    const view = await shop.expectOk<Cart>(200, "GET", `/v1/carts/${cart.id}`);
    expect(view.subtotal).toEqual({ amount: 3000, currency: "EUR" });
    // Within the limit the change goes through.
    await shop.expectOk(200, "PATCH", `/v1/admin/products/${product.id}`, { price: { amount: Math.floor(LARGEST / 3), currency: "EUR" } });
    expect((await shop.expectOk<Cart>(200, "GET", `/v1/carts/${cart.id}`)).subtotal).toEqual({
      amount: Math.floor(LARGEST / 3) * 3,
      currency: "EUR",
    });
  });
});
