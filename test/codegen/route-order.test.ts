import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureSpec, outDir } from "./support/paths.js";
import { type GeneratedServer, serveGenerated } from "./support/serve-generated.js";
import { generateInto } from "./support/write-generated.js";

// The fixture lists /customers/{customer_id} before /customers/search, with another path between them.
const DIR = outDir("route-order");
let server: GeneratedServer;
beforeAll(async () => {
  await generateInto(DIR, { specPath: fixtureSpec("route-order.yaml") });
  server = await serveGenerated(DIR, ["getCustomer", "listOrders", "searchCustomers"]);
});
afterAll(() => server.close());

describe("a literal path beside a parameterised one of the same shape", () => {
  it.each([
    { path: "/customers/search", operationId: "searchCustomers", params: {} },
    { path: "/customers/c-42", operationId: "getCustomer", params: { customer_id: "c-42" } },
  ])("$path reaches $operationId, whatever the spec's order", async ({ path, operationId, params }) => {
    server.calls.length = 0;
    const response = await fetch(`${server.baseUrl}${path}`);
    expect(response.status).toBe(200);
    expect(server.calls).toEqual([{ operationId, params }]);
  });
});
