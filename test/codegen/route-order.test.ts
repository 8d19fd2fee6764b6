import { describe, expect, it } from "vitest";
import { generate } from "../../codegen/generate.js";
import { fixtureSpec } from "./support/paths.js";

describe("route order in the generated router", () => {
  it("mounts /customers/search before /customers/{customer_id}", async () => {
    const { files } = await generate({ specPath: fixtureSpec("route-order.yaml") });
    const routes = files.find((file) => file.path === "routes.ts")!.contents;
    const router = routes.slice(routes.indexOf("export function routeDefinitions"));
    const search = router.indexOf('operationMeta["searchCustomers"]');
    const byId = router.indexOf('operationMeta["getCustomer"]');
    expect(search).toBeGreaterThan(-1);
    expect(byId).toBeGreaterThan(-1);
    expect(search).toBeLessThan(byId);
  });
});
