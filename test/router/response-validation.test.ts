/*
 * validateResponses: with it, an answer the contract does not declare (an
 * undeclared status, a body that drifts from its schema, a problem under an
 * undeclared status) is reported and replaced by a 500; without it (as in
 * production) nothing is checked and every answer goes out as the handler
 * gave it.
 */
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createDispatcher, defaultContext, HttpProblem, ResponseContractError, type Handlers, type ProblemCode, type ResponseViolation } from "../../generated/routes.js";
import { responseValidators } from "../../generated/validators/responses.js";
import { CART_ID, createEchoHandlers, PRODUCT_ID, product } from "./support/handlers.js";
import { expectProblem, sendRaw } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** getCart answering 409, which the contract does not declare for it (the bug this pins). */
const undeclaredConflict: Partial<Handlers> = {
  getCart: () => {
    throw new HttpProblem(409, "quantity_limit_exceeded", "Quantity limit exceeded");
  },
};

async function serveValidated(overrides: Partial<Handlers>): Promise<{ violations: ResponseViolation[]; baseUrl: string }> {
  const violations: ResponseViolation[] = [];
  server = await startServer({ context: defaultContext, validateResponses: { validators: responseValidators, onViolation: (item) => violations.push(item) } }, overrides);
  return { violations, baseUrl: server.baseUrl };
}

describe("validateResponses on", () => {
  it("turns an undeclared status into a 500 naming it, and reports it", async () => {
    const { violations, baseUrl } = await serveValidated(undeclaredConflict);
    const response = await fetch(`${baseUrl}/v1/carts/${CART_ID}`);
    const problem = await expectProblem(response, 500, "internal_error");
    expect(problem.detail).toContain("status 409 is not declared");
    expect(violations).toEqual([
      { operationId: "getCart", method: "GET", path: "/v1/carts/{cart_id}", status: 409, problems: ["status 409 is not declared (declared: 200, 400, 401, 403, 404, 500, 503)"] },
    ]);
  });

  it("catches a handler result whose status is not declared", async () => {
    const { violations, baseUrl } = await serveValidated({ getProduct: () => ({ status: 202, body: product() }) as never });
    expect((await fetch(`${baseUrl}/v1/products/${PRODUCT_ID}`)).status).toBe(500);
    expect(violations[0]?.problems).toEqual([expect.stringContaining("status 202 is not declared")]);
  });

  it("catches field drift: an unknown field, a missing one, a wrong type", async () => {
    const { violations, baseUrl } = await serveValidated({
      getProduct: () => ({ status: 200, body: { ...product(), colour: "blue", inventory: "42", sku: undefined } }) as never,
    });
    expect((await fetch(`${baseUrl}/v1/products/${PRODUCT_ID}`)).status).toBe(500);
    expect(violations[0]?.problems).toEqual(
      expect.arrayContaining(["/body/sku is required", "/body/inventory must be integer", "/body/colour is not in the contract"]),
    );
  });

  it("checks problem+json bodies against the problem schema", async () => {
    const { violations, baseUrl } = await serveValidated({
      getCart: () => {
        // A code outside the contract's closed set (the compiler refuses it; a cast gets past, validation must not).
        throw new HttpProblem(404, "Cart Not Found" as ProblemCode, "Cart not found");
      },
    });
    expect((await fetch(`${baseUrl}/v1/carts/${CART_ID}`)).status).toBe(500);
    expect(violations[0]).toMatchObject({ status: 404, problems: expect.arrayContaining([expect.stringContaining("/body/code must be equal to one of the allowed values")]) });
  });

  it("lets declared answers through unchanged: results, handler problems, the router's own problems", async () => {
    const { violations, baseUrl } = await serveValidated({
      getCart: () => {
        throw new HttpProblem(404, "cart_not_found", "Cart not found");
      },
    });
    expect(await (await fetch(`${baseUrl}/v1/products/${PRODUCT_ID}`)).json()).toEqual(product());
    await expectProblem(await fetch(`${baseUrl}/v1/carts/${CART_ID}`), 404, "cart_not_found");
    await expectProblem(await fetch(`${baseUrl}/v1/products?limit=1000`), 400, "validation_failed");
    await expectProblem(await sendRaw(baseUrl, "POST", "/v1/carts", "currency=EUR", "text/plain"), 415, "unsupported_media_type");
    expect(violations).toEqual([]);
  });

  it("makes the dispatcher (capability/execute in-process) throw instead of returning a violating answer", async () => {
    const violations: ResponseViolation[] = [];
    const dispatcher = createDispatcher({ ...createEchoHandlers([]), ...undeclaredConflict }, { validateResponses: { validators: responseValidators, onViolation: (item) => violations.push(item) } });
    await expect(dispatcher.dispatch("getCart", { params: { cart_id: CART_ID } }, defaultContext as never)).rejects.toBeInstanceOf(ResponseContractError);
    expect(violations).toHaveLength(1);
    await expect(dispatcher.dispatch("getProduct", { params: { product_id: PRODUCT_ID } }, defaultContext as never)).resolves.toMatchObject({ status: 200 });
  });
});

describe("validateResponses off (production)", () => {
  it("sends every answer as the handler gave it", async () => {
    server = await startServer({ context: defaultContext }, { ...undeclaredConflict, getProduct: () => ({ status: 200, body: { ...product(), colour: "blue" } }) as never });
    await expectProblem(await fetch(`${server.baseUrl}/v1/carts/${CART_ID}`), 409, "quantity_limit_exceeded");
    expect(await (await fetch(`${server.baseUrl}/v1/products/${PRODUCT_ID}`)).json()).toMatchObject({ colour: "blue" });
  });

  it("never loads the response validators: only a caller passing their table does", async () => {
    const importsValidators = /from\s+["'][./]*(?:generated\/)?validators\/responses(?:\.js)?["']/;
    for (const file of ["generated/routes.ts", "generated/runtime.ts", "generated/response-validation.ts", "src/http/app.ts", "src/app/assemble.ts", "src/auth/create-auth.ts"]) {
      expect(await readFile(new URL(`../../${file}`, import.meta.url), "utf8"), file).not.toMatch(importsValidators);
    }
    // The pattern does find the import where it is (the test servers).
    expect(await readFile(new URL("../support/contract-check.ts", import.meta.url), "utf8")).toMatch(importsValidators);
  });
});
