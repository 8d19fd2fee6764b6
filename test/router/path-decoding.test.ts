/*
 * Path segments are percent-decoded before validation; a segment that does
 * not decode is the client's error (4xx), not the server's.
 */
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { type FixtureOperationId, loadFixture } from "./support/generated-router.js";
import { startServer, type TestServer } from "./support/server.js";

const THING_ID = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";

const onError = vi.fn();
let server: TestServer<FixtureOperationId<"paths">>;
beforeAll(async () => {
  const { routes } = await loadFixture("paths");
  server = await startServer(routes, { context: routes.defaultContext, onError });
});
afterAll(() => server.close());
beforeEach(() => onError.mockClear());

it("decodes a percent-encoded path parameter", async () => {
  const encoded = THING_ID.replace(/-/g, "%2D");
  const response = await fetch(`${server.baseUrl}/things/${encoded}`);
  expect(response.status).toBe(200);
  expect(server.lastInput("getThing")).toMatchObject({ params: { thing_id: THING_ID } });
});

// Observed: 500 internal_error, with the URIError passed to onError.
it.each([
  { method: "GET", name: "a declared method", statuses: [400] },
  { method: "PUT", name: "an undeclared method", statuses: [400, 405] },
])("an undecodable path parameter with $name is a 4xx problem, not a 500 reported to onError", async ({ method, statuses }) => {
  const response = await fetch(`${server.baseUrl}/things/%E0%A4%A`, { method });
  expect({ status: response.status, contentType: response.headers.get("content-type") }).toEqual({
    status: expect.toBeOneOf(statuses),
    contentType: expect.stringMatching(/^application\/problem\+json(;|$)/),
  });
  expect(onError).not.toHaveBeenCalled();
});
