import { describe, expect, it } from "vitest";
import { parseLimitsForm } from "../../../src/agents/limits/limits-form.js";
import { loosens } from "../../../src/agents/limits/loosening.js";
import { NOTHING_REQUESTED, requestedLimits } from "../../../src/agents/limits/requested-limits.js";
import { NO_LIMITS } from "../../../src/services/agent-limits/agent-limits.js";
import { formatMoney, parseMoney } from "../../../src/services/money.js";

const NOW = new Date("2030-01-01T00:00:00Z");
const context = { requested: NOTHING_REQUESTED, storeCurrencies: ["EUR"], now: NOW };

describe("requested limits in plain words", () => {
  it.each([
    [{ capability: "placeOrder", constraints: { total_amount: { max: 5000 }, currency: "EUR" } }, ["orders up to 50.00 EUR"]],
    [{ capability: "placeOrder", constraints: JSON.stringify({ currency: "JPY" }) }, ["orders in JPY only"]],
    [{ capability: "addCartItem", constraints: { quantity: { max: 3 } } }, ["at most 3 units per cart line (addCartItem)"]],
    [
      { capability: "addCartItem", constraints: { quantity: { min: 1, max: 3 } } },
      ["at most 3 units per cart line (addCartItem)", "addCartItem: quantity at least 1"],
    ],
    [{ capability: "getProduct", constraints: { product_id: { in: ["a", "b"] } } }, ['getProduct: product_id one of ["a","b"]']],
  ])("%j → %j", (grant, words) => {
    expect(requestedLimits([grant]).words).toEqual(words);
  });

  it("keep the loosest of several grants as the bound a merchant may tighten", () => {
    const requested = requestedLimits([
      { capability: "placeOrder", constraints: { total_amount: { max: 5000 }, currency: "EUR" } },
      { capability: "placeOrder", constraints: { total_amount: { max: 7000 }, currency: "EUR" } },
    ]);
    expect(requested).toMatchObject({ maxOrderAmount: 7000, currency: "EUR" });
  });
});

describe("the limits form", () => {
  it("absent fieldset: nothing to change", () => {
    expect(parseLimitsForm({}, context)).toEqual({ kind: "absent" });
  });

  it("reads amounts as money of the currency, windows and a UTC expiry", () => {
    const input = parseLimitsForm(
      {
        limits: "1",
        limit_max_order: "50",
        limit_budget: "200.5",
        limit_budget_window: "7d",
        limit_max_line_quantity: "4",
        limit_expires_at: "2030-02-01T12:00",
      },
      context,
    );
    expect(input).toEqual({
      kind: "valid",
      limits: {
        currency: "EUR",
        maxOrderAmount: 5000,
        budgetAmount: 20050,
        budgetWindowSeconds: 604_800,
        maxLineQuantity: 4,
        grantsExpireAt: new Date("2030-02-01T12:00:00Z"),
      },
    });
  });

  it.each([
    [{ limit_max_order: "0" }, "positive amount"],
    [{ limit_max_order: "1.234" }, "positive amount"],
    [{ limit_max_line_quantity: "1000" }, "from 1 to 999"],
    [{ limit_max_line_quantity: "2.5" }, "from 1 to 999"],
    [{ limit_currency: "EURO", limit_max_order: "5" }, "not an ISO 4217"],
    [{ limit_currency: "USD", limit_max_order: "5" }, "not USD"],
    [{ limit_budget: "5", limit_budget_window: "1y" }, "period from the list"],
    [{ limit_expires_at: "2029-12-31T23:59" }, "in the future"],
    [{ limit_expires_at: "tomorrow" }, "date and time"],
  ])("refuses %j (%s)", (fields, reason) => {
    const input = parseLimitsForm({ limits: "1", ...fields }, context);
    expect(input.kind).toBe("invalid");
    expect(input.kind === "invalid" && input.errors.join(" ")).toContain(reason);
  });

  it("refuses a value looser than the agent asked for, accepts an equal or tighter one", () => {
    const requested = requestedLimits([
      { capability: "placeOrder", constraints: { total_amount: { max: 5000 }, currency: "EUR" } },
      { capability: "updateCartItem", constraints: { quantity: { max: 3 } } },
    ]);
    const looser = parseLimitsForm({ limits: "1", limit_max_order: "50.01", limit_max_line_quantity: "4" }, { ...context, requested });
    expect(looser.kind === "invalid" && looser.errors).toEqual([
      expect.stringContaining("orders up to 50.00 EUR"),
      expect.stringContaining("at most 3 units"),
    ]);
    expect(parseLimitsForm({ limits: "1", limit_max_order: "50.00", limit_max_line_quantity: "3" }, { ...context, requested }).kind).toBe(
      "valid",
    );
  });
});

describe("loosening", () => {
  const before = {
    ...NO_LIMITS,
    currency: "EUR",
    maxOrderAmount: 5000,
    budgetAmount: 10_000,
    budgetWindowSeconds: 604_800,
    grantsExpireAt: NOW,
  };
  it.each([
    ["a limit removed", { ...before, maxOrderAmount: null }, true],
    ["a budget raised", { ...before, budgetAmount: 10_001 }, true],
    ["a shorter window", { ...before, budgetWindowSeconds: 86_400 }, true],
    ["another currency", { ...before, currency: "USD" }, true],
    ["a later expiry", { ...before, grantsExpireAt: new Date(NOW.getTime() + 1) }, true],
    ["no expiry", { ...before, grantsExpireAt: null }, true],
    ["the same", before, false],
    [
      "lower amounts, a new line limit, in total, sooner",
      { ...before, maxOrderAmount: 1, budgetAmount: 1, maxLineQuantity: 1, budgetWindowSeconds: null, grantsExpireAt: new Date(0) },
      false,
    ],
  ])("%s → %s", (_name, next, expected) => {
    expect(loosens(before, next)).toBe(expected);
  });
});

describe("money as people type and read it", () => {
  it.each([
    ["50", "EUR", 5000],
    ["50.5", "EUR", 5050],
    ["500", "JPY", 500],
    ["5.5", "JPY", null],
    ["-1", "EUR", null],
    ["1e3", "EUR", null],
  ])("%s %s → %s", (text, currency, minor) => {
    expect(parseMoney(text, currency)).toBe(minor);
  });

  it("formats with the currency's minor unit", () => {
    expect(formatMoney(5000, "EUR")).toBe("50.00 EUR");
    expect(formatMoney(500, "JPY")).toBe("500 JPY");
    expect(formatMoney(1, "KWD")).toBe("0.001 KWD");
  });
});
