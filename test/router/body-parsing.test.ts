/*
 * Bodies that cannot be read as the operation's media type: malformed, too
 * large, of the wrong Content-Type, or absent. Each is a 4xx problem, never a
 * 500, and none reaches onError or the handler (requests.yaml).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type FixtureOperationId, loadFixture } from "./support/generated-router.js";
import { expectProblem, sendRaw } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

const CART_ID = "0b7e4c1a-3f2d-4a8e-9c55-2a1d7e6f4b10";
const ITEM_ID = "6c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";

const onError = vi.fn();
let server: TestServer<FixtureOperationId<"requests">>;
let smallLimitServer: TestServer<FixtureOperationId<"requests">>;
beforeAll(async () => {
  const { routes } = await loadFixture("requests");
  server = await startServer(routes, { context: routes.defaultContext, onError });
  smallLimitServer = await startServer(routes, { context: routes.defaultContext, onError, bodyLimit: 64 });
});
afterAll(async () => {
  await server.close();
  await smallLimitServer.close();
});
afterEach(() => {
  expect(onError).not.toHaveBeenCalled();
  expect(server.calls).toEqual([]);
  expect(smallLimitServer.calls.map((call) => call.operationId)).not.toContain("createCart");
});

describe("malformed JSON", () => {
  it.each([
    { name: "truncated", text: '{"currency":' },
    { name: "a single quote", text: "{'currency':'EUR'}" },
    { name: "a trailing comma", text: '{"currency":"EUR",}' },
    { name: "plain words", text: "hello" },
  ])("$name is a 400 malformed_body", async ({ text }) => {
    const response = await sendRaw(server.baseUrl, "POST", "/carts", text, "application/json");
    const problem = await expectProblem(response, 400, "malformed_body");
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: "/body" })]);
  });
});

describe("a body over the limit", () => {
  it("is a 413 with a small bodyLimit", async () => {
    const text = JSON.stringify({ currency: "EUR", padding: "x".repeat(100) });
    const response = await sendRaw(smallLimitServer.baseUrl, "POST", "/carts", text, "application/json");
    await expectProblem(response, 413, "body_too_large");
  });

  it("is accepted just under a small bodyLimit", async () => {
    const response = await sendRaw(smallLimitServer.baseUrl, "POST", "/carts", '{"currency":"EUR"}', "application/json");
    expect(response.status).toBe(201);
    expect(smallLimitServer.lastInput("createCart")).toMatchObject({ body: { currency: "EUR" } });
    smallLimitServer.calls.length = 0;
  });

  it("is a 413 at the default 100kb limit with a ~1 MB body", async () => {
    const text = JSON.stringify({ currency: "EUR", padding: "x".repeat(1024 * 1024) });
    const response = await sendRaw(server.baseUrl, "POST", "/carts", text, "application/json");
    await expectProblem(response, 413, "body_too_large");
  });

  it("is a 413 even when the JSON is malformed", async () => {
    const response = await sendRaw(smallLimitServer.baseUrl, "POST", "/carts", `{${"x".repeat(200)}`, "application/json");
    await expectProblem(response, 413, "body_too_large");
  });
});

describe("the wrong Content-Type", () => {
  it.each([
    { name: "text/plain", contentType: "text/plain" },
    { name: "text/plain with a charset", contentType: "text/plain; charset=utf-8" },
    { name: "a form", contentType: "application/x-www-form-urlencoded" },
    { name: "XML", contentType: "application/xml" },
    { name: "multipart", contentType: "multipart/form-data; boundary=x" },
    { name: "another +json type", contentType: "application/merge-patch+json" },
    { name: "no Content-Type at all", contentType: undefined },
  ])("$name on a JSON operation is a 415", async ({ contentType }) => {
    const response = await sendRaw(server.baseUrl, "POST", "/carts", '{"currency":"EUR"}', contentType);
    await expectProblem(response, 415, "unsupported_media_type");
  });

  it("an unsupported charset on JSON is a 415", async () => {
    const response = await sendRaw(server.baseUrl, "POST", "/carts", '{"currency":"EUR"}', "application/json; charset=ebcdic");
    await expectProblem(response, 415, "unsupported_media_type");
  });
});

describe("a missing required body", () => {
  it.each([
    { name: "POST /carts", method: "POST", path: "/carts", contentType: "application/json" },
    { name: "POST /carts without Content-Type", method: "POST", path: "/carts", contentType: undefined },
    { name: "PATCH a cart item", method: "PATCH", path: `/carts/${CART_ID}/items/${ITEM_ID}`, contentType: "application/json" },
  ])("$name is a 400 at /body", async ({ method, path, contentType }) => {
    const response = await sendRaw(server.baseUrl, method, path, "", contentType);
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem.errors).toEqual([{ pointer: "/body", detail: expect.any(String), code: "required" }]);
  });
});
