import { describe, expect, it } from "vitest";
import { HttpProblem } from "../../generated/routes.js";
import { accessOfGrants, ConstraintGate, violationsOf } from "../../src/agents/execute/grant-constraints.js";

describe("grant constraints", () => {
  it("apply the protocol's operators; a bare value means eq", () => {
    expect(violationsOf({ currency: "EUR", quantity: { min: 1, max: 3 } }, { currency: "EUR", quantity: 2 })).toEqual([]);
    expect(violationsOf({ currency: "EUR" }, { currency: "USD" })).toHaveLength(1);
    expect(violationsOf({ sku: { in: ["A", "B"] } }, { sku: "C" })).toHaveLength(1);
    expect(violationsOf({ sku: { not_in: ["A"] } }, { sku: "B" })).toEqual([]);
    expect(violationsOf({ quantity: { max: 3 } }, { quantity: "2" })).toHaveLength(1);
  });

  it("fail closed on unknown operators and missing fields", () => {
    expect(violationsOf({ quantity: { around: 3 } as never }, { quantity: 3 })).toHaveLength(1);
    expect(violationsOf({ total_amount: { max: 10 } }, {})).toHaveLength(1);
    expect(violationsOf({ sku: { not_in: ["A"] } }, {})).toHaveLength(1);
  });

  it("pass when any one grant allows the call", () => {
    const gate = new ConstraintGate("placeOrder", [{ total_amount: { max: 100 } }, { currency: "USD" }]);
    expect(() => gate.assert({ total_amount: 500, currency: "USD" })).not.toThrow();
    expect(() => gate.assert({ total_amount: 500, currency: "EUR" })).toThrow(HttpProblem);
  });

  it("leave a capability unconstrained when any active grant of it has no constraints", () => {
    const access = accessOfGrants([
      { capability: "placeOrder", constraints: JSON.stringify({ total_amount: { max: 100 } }) },
      { capability: "placeOrder", constraints: null },
      { capability: "addCartItem", constraints: { quantity: { max: 2 } } },
    ]);
    expect([...access.capabilities].sort()).toEqual(["addCartItem", "placeOrder"]);
    expect([...access.gates.keys()]).toEqual(["addCartItem"]);
  });

  it("treat unreadable stored constraints as unsatisfiable, never as none", () => {
    const access = accessOfGrants([{ capability: "placeOrder", constraints: "{not json" }]);
    expect(() => access.gates.get("placeOrder")!.assert({ total_amount: 1 })).toThrow(HttpProblem);
  });
});
