/*
 * A small typed client for the tests: one instance per (store, caller), raw
 * `request` for error cases, and seed helpers that expect success.
 */
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { components } from "../../../generated/openapi.js";
import type { ProblemDetails } from "../../../generated/routes.js";

export type Product = components["schemas"]["Product"];
export type Cart = components["schemas"]["Cart"];
export type Order = components["schemas"]["Order"];
export type Refund = components["schemas"]["Refund"];
export type OrderList = components["schemas"]["OrderList"];
export type ProductList = components["schemas"]["ProductList"];

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: T;
}

let skuCounter = 0;

/** A SKU unique within this test process. */
export function nextSku(prefix = "SKU"): string {
  skuCounter += 1;
  return `${prefix}-${skuCounter}-${randomUUID().slice(0, 8)}`;
}

export class CommerceClient {
  constructor(
    readonly baseUrl: string,
    readonly org: string,
    readonly caller = "shopper",
  ) {}

  /** The same store, another caller. */
  as(caller: string): CommerceClient {
    return new CommerceClient(this.baseUrl, this.org, caller);
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        "x-test-org": this.org,
        "x-test-caller": this.caller,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get("content-type"), body: (text ? JSON.parse(text) : undefined) as T };
  }

  async expectOk<T>(status: number, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const response = await this.request<T>(method, path, body, headers);
    expect(response, JSON.stringify(response.body)).toMatchObject({ status });
    return response.body;
  }

  createProduct(fields: Partial<components["schemas"]["ProductCreate"]> = {}): Promise<Product> {
    const body = { sku: nextSku(), name: "Blue enamel mug", price: { amount: 1500, currency: "EUR" }, inventory: 10, ...fields };
    return this.expectOk<Product>(201, "POST", "/v1/admin/products", body, { "idempotency-key": randomUUID() });
  }

  createCart(currency = "EUR"): Promise<Cart> {
    return this.expectOk<Cart>(201, "POST", "/v1/carts", { currency });
  }

  addItem(cartId: string, productId: string, quantity = 1): Promise<Cart> {
    return this.expectOk<Cart>(200, "POST", `/v1/carts/${cartId}/items`, { product_id: productId, quantity });
  }

  placeOrder(cartId: string, key: string = randomUUID()): Promise<ApiResponse<Order | ProblemDetails>> {
    return this.request("POST", "/v1/orders", { cart_id: cartId }, { "idempotency-key": key });
  }

  refund(orderId: string, amount: number, currency = "EUR", key: string = randomUUID()): Promise<ApiResponse<Refund | ProblemDetails>> {
    return this.request("POST", `/v1/admin/orders/${orderId}/refunds`, { amount: { amount, currency } }, { "idempotency-key": key });
  }

  /** A product with `inventory` units, a cart holding `quantity` of it, and the order placed from it. */
  async orderOf(quantity = 2, price = 1500, inventory = 10): Promise<{ product: Product; cart: Cart; order: Order }> {
    const product = await this.createProduct({ inventory, price: { amount: price, currency: "EUR" } });
    const cart = await this.createCart();
    await this.addItem(cart.id, product.id, quantity);
    const placed = await this.placeOrder(cart.id);
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    return { product, cart, order: placed.body as Order };
  }
}

/** Asserts a problem+json response with this status and code; returns the problem. */
export function expectProblem(response: ApiResponse, status: number, code: string): ProblemDetails {
  expect({ status: response.status, contentType: response.contentType, body: response.body }).toMatchObject({
    status,
    contentType: expect.stringMatching(/^application\/problem\+json/),
    body: { status, code, type: `/problems/${code}` },
  });
  return response.body as ProblemDetails;
}

/** A well-formed id that names nothing. */
export const MISSING_ID = "00000000-0000-4000-8000-000000000000";
