/*
 * A known path called with a method it does not declare answers 405 with an
 * Allow header listing the declared methods (HEAD where GET is declared).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FixtureOperationId, loadFixture } from "./support/generated-router.js";
import { expectProblem } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

const THING_ID = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";
const PART_ID = "6c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";

let server: TestServer<FixtureOperationId<"paths">>;
beforeAll(async () => {
  const { routes } = await loadFixture("paths");
  server = await startServer(routes, { context: routes.defaultContext });
});
afterAll(() => server.close());

function allowOf(response: Response): string[] {
  return (response.headers.get("allow") ?? "")
    .split(",")
    .map((method) => method.trim())
    .filter(Boolean)
    .sort();
}

it.each([
  { method: "DELETE", path: "/tags", allow: ["GET", "HEAD"] },
  { method: "PUT", path: "/things", allow: ["GET", "HEAD", "POST"] },
  { method: "GET", path: "/boxes", allow: ["POST"] },
  { method: "PUT", path: `/things/${THING_ID}`, allow: ["GET", "HEAD"] },
  { method: "GET", path: `/things/${THING_ID}/parts/${PART_ID}`, allow: ["DELETE", "PATCH"] },
  { method: "GET", path: `/things/${THING_ID}/archive`, allow: ["POST"] },
])("$method $path is a 405 allowing $allow", async ({ method, path, allow }) => {
  const response = await fetch(`${server.baseUrl}${path}`, { method });
  await expectProblem(response, 405, "method_not_allowed");
  expect(allowOf(response)).toEqual(allow);
  expect(server.calls).toEqual([]);
});

it("answers 405 before validating the path parameters", async () => {
  const response = await fetch(`${server.baseUrl}/things/not-a-uuid`, { method: "PUT" });
  await expectProblem(response, 405, "method_not_allowed");
  expect(allowOf(response)).toEqual(["GET", "HEAD"]);
});

it("serves HEAD on a GET operation instead of a 405", async () => {
  const response = await fetch(`${server.baseUrl}/things?limit=5`, { method: "HEAD" });
  expect(response.status).toBe(200);
  expect(await response.text()).toBe("");
  expect(server.lastInput("listThings")).toMatchObject({ query: { limit: 5 } });
  server.calls.length = 0;
});
