/*
 * validateResponses: with it, an answer the contract does not declare (an
 * undeclared status, a body that drifts from its schema, a problem under an
 * undeclared status) is reported and replaced by a 500; without it (as in
 * production) nothing is checked and every answer goes out as the handler
 * gave it (responses.yaml).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { RUNTIME_MODULES } from "../../codegen/emit/runtime-emitter.js";
import type { ResponseValidatorTable, ResponseViolation } from "../../codegen/templates/response-validation.js";
import type { RequestContext } from "../../codegen/templates/runtime.js";
import { CART_ID, catalogHandlers, PRODUCT_ID, product } from "./support/catalog.js";
import {
  type FixtureOperationId,
  type GeneratedFixture,
  type GeneratedRoutes,
  type Handlers,
  loadFixture,
} from "./support/generated-router.js";
import { expectProblem, sendRaw } from "./support/http.js";
import { echoHandlers, startServer, type TestServer } from "./support/server.js";

type Id = FixtureOperationId<"responses">;
type Overrides = Partial<Handlers<Id, RequestContext>>;

let fixture: GeneratedFixture<Id>;
let routes: GeneratedRoutes<Id>;
let responseValidators: ResponseValidatorTable;
beforeAll(async () => {
  fixture = await loadFixture("responses");
  routes = fixture.routes;
  responseValidators = await fixture.responseValidators();
});

let server: TestServer<Id> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** getCart answering 409, which the contract does not declare for it (the bug this pins). */
function undeclaredConflict(): Overrides {
  return {
    getCart: () => {
      throw new routes.HttpProblem(409, "quantity_limit_exceeded", "Quantity limit exceeded");
    },
  };
}

async function serveValidated(overrides: Overrides): Promise<{ violations: ResponseViolation[]; baseUrl: string }> {
  const violations: ResponseViolation[] = [];
  server = await startServer(
    routes,
    { context: routes.defaultContext, validateResponses: { validators: responseValidators, onViolation: (item) => violations.push(item) } },
    { ...catalogHandlers(), ...overrides },
  );
  return { violations, baseUrl: server.baseUrl };
}

describe("validateResponses on", () => {
  it("turns an undeclared status into a 500 naming it, and reports it", async () => {
    const { violations, baseUrl } = await serveValidated(undeclaredConflict());
    const response = await fetch(`${baseUrl}/carts/${CART_ID}`);
    const problem = await expectProblem(response, 500, "internal_error");
    expect(problem.detail).toContain("status 409 is not declared");
    expect(violations).toEqual([
      {
        operationId: "getCart",
        method: "GET",
        path: "/carts/{cart_id}",
        status: 409,
        problems: ["status 409 is not declared (declared: 200, 400, 404, 500)"],
      },
    ]);
  });

  it("catches a handler result whose status is not declared", async () => {
    const { violations, baseUrl } = await serveValidated({ getProduct: () => ({ status: 202, body: product() }) });
    expect((await fetch(`${baseUrl}/products/${PRODUCT_ID}`)).status).toBe(500);
    expect(violations[0]?.problems).toEqual([expect.stringContaining("status 202 is not declared")]);
  });

  it("catches field drift: an unknown field, a missing one, a wrong type", async () => {
    const { violations, baseUrl } = await serveValidated({
      getProduct: () => ({ status: 200, body: { ...product(), colour: "blue", inventory: "42", sku: undefined } }),
    });
    expect((await fetch(`${baseUrl}/products/${PRODUCT_ID}`)).status).toBe(500);
    expect(violations[0]?.problems).toEqual(
      expect.arrayContaining(["/body/sku is required", "/body/inventory must be integer", "/body/colour is not in the contract"]),
    );
  });

  it("checks problem+json bodies against the problem schema", async () => {
    const { violations, baseUrl } = await serveValidated({
      getCart: () => {
        // A code outside the contract's closed set (the generated ProblemCode type refuses it; validation must too).
        throw new routes.HttpProblem(404, "Cart Not Found", "Cart not found");
      },
    });
    expect((await fetch(`${baseUrl}/carts/${CART_ID}`)).status).toBe(500);
    expect(violations[0]).toMatchObject({
      status: 404,
      problems: expect.arrayContaining([expect.stringContaining("/body/code must be equal to one of the allowed values")]),
    });
  });

  it("lets declared answers through unchanged: results, handler problems, the router's own problems", async () => {
    const { violations, baseUrl } = await serveValidated({
      getCart: () => {
        throw new routes.HttpProblem(404, "cart_not_found", "Cart not found");
      },
    });
    expect(await (await fetch(`${baseUrl}/products/${PRODUCT_ID}`)).json()).toEqual(product());
    await expectProblem(await fetch(`${baseUrl}/carts/${CART_ID}`), 404, "cart_not_found");
    await expectProblem(await fetch(`${baseUrl}/products?limit=1000`), 400, "validation_failed");
    await expectProblem(await sendRaw(baseUrl, "POST", "/carts", "currency=EUR", "text/plain"), 415, "unsupported_media_type");
    expect(violations).toEqual([]);
  });

  it("makes the dispatcher (capability/execute in-process) throw instead of returning a violating answer", async () => {
    const violations: ResponseViolation[] = [];
    const handlers = { ...echoHandlers<Id, RequestContext>(routes), ...catalogHandlers<RequestContext>(), ...undeclaredConflict() };
    const dispatcher = routes.createDispatcher(handlers, {
      validateResponses: { validators: responseValidators, onViolation: (item) => violations.push(item) },
    });
    await expect(dispatcher.dispatch("getCart", { params: { cart_id: CART_ID } }, routes.defaultContext as never)).rejects.toBeInstanceOf(
      routes.ResponseContractError,
    );
    expect(violations).toHaveLength(1);
    await expect(
      dispatcher.dispatch("getProduct", { params: { product_id: PRODUCT_ID } }, routes.defaultContext as never),
    ).resolves.toMatchObject({ status: 200 });
  });
});

describe("validateResponses off (production)", () => {
  it("sends every answer as the handler gave it", async () => {
    server = await startServer(
      routes,
      { context: routes.defaultContext },
      {
        ...catalogHandlers(),
        ...undeclaredConflict(),
        getProduct: () => ({ status: 200, body: { ...product(), colour: "blue" } }),
      },
    );
    await expectProblem(await fetch(`${server.baseUrl}/carts/${CART_ID}`), 409, "quantity_limit_exceeded");
    expect(await (await fetch(`${server.baseUrl}/products/${PRODUCT_ID}`)).json()).toMatchObject({ colour: "blue" });
  });

  it("never loads the response validators from the router modules: only a caller passing their table does", async () => {
    const importsValidators = /from\s+["'][./]*validators\/responses(?:\.js)?["']/;
    for (const file of ["routes.ts", "runtime.ts", ...RUNTIME_MODULES.map((name) => `runtime/${name}`), "response-validation.ts"]) {
      expect(await readFile(path.join(fixture.dir, file), "utf8"), file).not.toMatch(importsValidators);
    }
    // The pattern does find such an import where it is written.
    expect('import { responseValidators } from "./validators/responses.js";').toMatch(importsValidators);
  });
});
