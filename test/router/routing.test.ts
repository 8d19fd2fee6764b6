/*
 * Every operation of a contract is mounted at its method and path and
 * reaches its own handler (paths.yaml).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FixtureOperationId, loadFixture } from "./support/generated-router.js";
import { startServer, type TestServer } from "./support/server.js";

const THING_ID = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";
const PART_ID = "6c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";

let server: TestServer<FixtureOperationId<"paths">>;
beforeAll(async () => {
  const { routes } = await loadFixture("paths");
  server = await startServer(routes, { context: routes.defaultContext });
});
afterAll(() => server.close());

const requests: { operationId: FixtureOperationId<"paths">; method: string; path: string; body?: unknown; status: number }[] = [
  { operationId: "listTags", method: "GET", path: "/tags", status: 200 },
  { operationId: "listThings", method: "GET", path: "/things", status: 200 },
  { operationId: "createThing", method: "POST", path: "/things", body: { name: "a" }, status: 201 },
  { operationId: "createBox", method: "POST", path: "/boxes", body: { name: "b" }, status: 201 },
  { operationId: "getThing", method: "GET", path: `/things/${THING_ID}`, status: 200 },
  { operationId: "updatePart", method: "PATCH", path: `/things/${THING_ID}/parts/${PART_ID}`, body: { name: "c" }, status: 200 },
  { operationId: "removePart", method: "DELETE", path: `/things/${THING_ID}/parts/${PART_ID}`, status: 200 },
  { operationId: "archiveThing", method: "POST", path: `/things/${THING_ID}/archive`, status: 200 },
];

it.each(requests)("$method $path reaches $operationId with $status", async ({ operationId, method, path, body, status }) => {
  const before = server.calls.length;
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json(;|$)/);
  expect(server.calls.slice(before).map((call) => call.operationId)).toEqual([operationId]);
});

it("ignores a body sent to an operation that declares none", async () => {
  const response = await fetch(`${server.baseUrl}/things/${THING_ID}/archive`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"reason":"x"}',
  });
  expect(response.status).toBe(200);
  expect(server.lastInput("archiveThing")).toEqual({ params: { thing_id: THING_ID }, query: {}, headers: {}, body: undefined });
});
