/*
 * A known path called with a method it does not declare answers 405 with an
 * Allow header listing the declared methods (HEAD where GET is declared).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { defaultContext } from "../../generated/routes.js";
import { CART_ID, ITEM_ID, PRODUCT_ID } from "./support/handlers.js";
import { expectProblem } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ context: defaultContext });
});
afterAll(() => server.close());

function allowOf(response: Response): string[] {
  return (response.headers.get("allow") ?? "").split(",").map((method) => method.trim()).filter(Boolean).sort();
}

it.each([
  { method: "DELETE", path: "/v1/products", allow: ["GET", "HEAD"] },
  { method: "PUT", path: "/v1/orders", allow: ["GET", "HEAD", "POST"] },
  { method: "GET", path: "/v1/carts", allow: ["POST"] },
  { method: "PUT", path: `/v1/carts/${CART_ID}`, allow: ["GET", "HEAD"] },
  { method: "GET", path: `/v1/carts/${CART_ID}/items/${ITEM_ID}`, allow: ["DELETE", "PATCH"] },
  { method: "GET", path: `/v1/admin/products/${PRODUCT_ID}/archive`, allow: ["POST"] },
])("$method $path is a 405 allowing $allow", async ({ method, path, allow }) => {
  const response = await fetch(`${server.baseUrl}${path}`, { method });
  await expectProblem(response, 405, "method_not_allowed");
  expect(allowOf(response)).toEqual(allow);
  expect(server.calls).toEqual([]);
});

it("answers 405 before validating the path parameters", async () => {
  const response = await fetch(`${server.baseUrl}/v1/carts/not-a-uuid`, { method: "PUT" });
  await expectProblem(response, 405, "method_not_allowed");
  expect(allowOf(response)).toEqual(["GET", "HEAD"]);
});

it("serves HEAD on a GET operation instead of a 405", async () => {
  const response = await fetch(`${server.baseUrl}/v1/products?limit=5`, { method: "HEAD" });
  expect(response.status).toBe(200);
  expect(await response.text()).toBe("");
  expect(server.lastInput("listProducts")).toMatchObject({ query: { limit: 5 } });
  server.calls.length = 0;
});
