/*
 * The router looks requests up in a radix tree; these are the Express rules
 * it keeps: paths match case-insensitively and with or without a trailing
 * slash, parameters keep their case and are percent-decoded (also `%2F`),
 * OPTIONS on a known path lists its methods, anything else is left to the
 * application. No ETag is computed (no operation declares 304).
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

it.each([
  { name: "a trailing slash", path: "/things/" },
  { name: "upper-case letters", path: "/Things" },
])("a path with $name reaches the operation", async ({ path }) => {
  const response = await fetch(`${server.baseUrl}${path}`);
  expect(response.status).toBe(200);
  expect(server.calls.at(-1)?.operationId).toBe("listThings");
});

it("keeps the case of a parameter while matching the path case-insensitively", async () => {
  const upper = THING_ID.toUpperCase();
  const response = await fetch(`${server.baseUrl}/THINGS/${upper}`);
  // The fixture types thing_id as a uuid, which accepts either case.
  expect(response.status).toBe(200);
  expect(server.lastInput("getThing")).toMatchObject({ params: { thing_id: upper } });
});

it("decodes an encoded slash inside a parameter instead of splitting the path on it", async () => {
  const response = await fetch(`${server.baseUrl}/things/a%2Fb`);
  // Not a uuid, so validation refuses it, naming the decoded value's field.
  expect(response.status).toBe(400);
  const body = (await response.json()) as { errors: { pointer: string }[] };
  expect(body.errors.map((error) => error.pointer)).toEqual(["/path/thing_id"]);
});

it("passes every parameter of a two-parameter path by name", async () => {
  const response = await fetch(`${server.baseUrl}/things/${THING_ID}/parts/${PART_ID}`, { method: "DELETE" });
  expect(response.status).toBe(200);
  expect(server.lastInput("removePart")).toMatchObject({ params: { thing_id: THING_ID, part_id: PART_ID } });
});

it("answers OPTIONS on a known path with 204 and the allowed methods", async () => {
  const response = await fetch(`${server.baseUrl}/things`, { method: "OPTIONS" });
  expect(response.status).toBe(204);
  expect((response.headers.get("allow") ?? "").split(", ").sort()).toEqual(["GET", "HEAD", "POST"]);
});

it("leaves unknown paths to the application (Express's 404 here)", async () => {
  const before = server.calls.length;
  const response = await fetch(`${server.baseUrl}/nothing-here`);
  expect(response.status).toBe(404);
  expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  expect(server.calls.length).toBe(before);
});

it("sends JSON with its length and no ETag", async () => {
  const response = await fetch(`${server.baseUrl}/things`);
  const text = await response.text();
  expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
  expect(response.headers.get("etag")).toBeNull();
});
