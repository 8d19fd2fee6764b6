import { describe, expect, it } from "vitest";
import { HttpProblem } from "../../generated/routes.js";
import { toCapabilityArguments, toOperationCall } from "../../src/agents/execute/capability-arguments.js";

const cartId = "0b6f3e4c-8a1d-4c2e-9f7a-1d2c3b4a5e6f";
const productId = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";

function refusal(run: () => unknown): HttpProblem {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("toOperationCall: flat arguments onto the HTTP request", () => {
  it.each([
    [
      "a path parameter and body fields",
      "addCartItem",
      { cart_id: cartId, product_id: productId, quantity: 1 },
      { params: { cart_id: cartId }, query: {}, headers: {}, body: { product_id: productId, quantity: 1 } },
    ],
    [
      "a header parameter by its contract name",
      "placeOrder",
      { "Idempotency-Key": "k1", cart_id: cartId },
      { params: {}, query: {}, headers: { "Idempotency-Key": "k1" }, body: { cart_id: cartId } },
    ],
    ["query parameters, no body", "listProducts", { limit: 5 }, { params: {}, query: { limit: 5 }, headers: {} }],
    [
      "no arguments for a required body: an empty body, so the router names the missing fields",
      "createCart",
      undefined,
      { params: {}, query: {}, headers: {}, body: {} },
    ],
  ])("%s", (_, capability, args, call) => {
    expect(toOperationCall(capability as never, args)).toEqual(call);
  });

  it("names every unknown argument with an /arguments pointer (RFC 6901 escaped)", () => {
    const problem = refusal(() => toOperationCall("addCartItem", { cart_id: cartId, params: {}, "a/b": 1 }));
    expect(problem).toMatchObject({ status: 400, code: "validation_failed" });
    expect(problem.errors?.map((error) => error.pointer)).toEqual(["/arguments/params", "/arguments/a~1b"]);
  });

  it("refuses arguments that are not an object", () => {
    expect(refusal(() => toOperationCall("listProducts", [1])).errors).toEqual([
      expect.objectContaining({ pointer: "/arguments", code: "type" }),
    ]);
  });
});

describe("toCapabilityArguments: a validated call as grant constraints read it", () => {
  it("names parameters and body fields as the flat input schema does", () => {
    const input = { params: { cart_id: cartId }, query: {}, headers: {}, body: { product_id: productId, quantity: 2 } };
    expect(toCapabilityArguments("addCartItem", input)).toEqual({ cart_id: cartId, product_id: productId, quantity: 2 });
  });

  it("is the inverse of toOperationCall", () => {
    const args = { "Idempotency-Key": "k1", cart_id: cartId };
    const call = toOperationCall("placeOrder", args);
    expect(toCapabilityArguments("placeOrder", { params: {}, query: {}, headers: {}, body: undefined, ...call })).toEqual(args);
  });

  it("leaves out query strings the operation does not declare: they cannot stand in for a body field", () => {
    const input = { params: { cart_id: cartId }, query: { quantity: "1" }, headers: {}, body: { product_id: productId, quantity: 3 } };
    expect(toCapabilityArguments("addCartItem", input)).toMatchObject({ quantity: 3 });
  });
});
