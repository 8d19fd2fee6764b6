/*
 * What the API publishes about itself, over HTTP: the bundled contract
 * (JSON and YAML, the same document, no $ref to another file), the API
 * reference (no CDN), and a page for every problem code, which is what a
 * real problem's `type` resolves to.
 */
import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { parseYaml } from "@redocly/openapi-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problemCodeDocs } from "../../generated/problem-docs.js";
import { problemCodes } from "../../generated/routes.js";
import { externalResources } from "../../scripts/support/external-resources.js";
import { statusOfDomainCode } from "../../src/http/domain-problems.js";
import { problemTitles } from "../../src/http/problem-titles.js";
import { domainErrorCodes } from "../../src/services/domain-error.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.baseUrl}${path}`, { headers });

/**
 * A GET as a cache or a plain client sends it: fetch adds `Cache-Control: no-cache` to conditional
 * requests (which rightly disables 304s) and decodes gzip itself, so the wire is read with node:http.
 */
function raw(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(`${app.baseUrl}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on("error", reject)
      .end();
  });
}

function refsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, member]) => (key === "$ref" && typeof member === "string" ? [member] : refsOf(member)));
}

describe("GET /openapi.json and /openapi.yaml", () => {
  it("serve the bundled contract: JSON and YAML parse to the same document, every $ref local", async () => {
    const [json, yaml] = await Promise.all([get("/openapi.json"), get("/openapi.yaml")]);
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get("content-type")).toBe("application/yaml; charset=utf-8");
    const document = (await json.json()) as { openapi: string; info: { title: string }; paths: object };
    expect(document.openapi).toBe("3.1.0");
    expect(document.info.title).toBe("Commerce API");
    expect(parseYaml(await yaml.text())).toEqual(document);
    const refs = refsOf(document);
    expect(refs.length).toBeGreaterThan(100);
    expect(refs.filter((ref) => !ref.startsWith("#/"))).toEqual([]);
  });

  it("carry a strong ETag and revalidate to 304; anyone's tooling may read them (CORS, no credentials)", async () => {
    for (const path of ["/openapi.json", "/openapi.yaml"]) {
      const first = await raw(path);
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^"[\w-]+"$/);
      expect(first.headers).toMatchObject({
        "cache-control": "public, no-cache",
        "access-control-allow-origin": "*",
        "x-content-type-options": "nosniff",
      });
      const again = await raw(path, { "if-none-match": etag });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      const gzipped = await raw(path, { "accept-encoding": "gzip" });
      expect((await raw(path, { "accept-encoding": "gzip", "if-none-match": String(gzipped.headers.etag) })).status).toBe(304);
    }
  });

  it("gzip the body for clients that accept it, under another ETag", async () => {
    const plain = await get("/openapi.json", { "accept-encoding": "identity" });
    const body = Buffer.from(await plain.arrayBuffer());
    const wire = await raw("/openapi.json", { "accept-encoding": "gzip" });
    expect(wire.headers["content-encoding"]).toBe("gzip");
    expect(wire.headers.vary).toBe("Accept-Encoding");
    expect(wire.headers.etag).not.toBe(plain.headers.get("etag"));
    expect(wire.body.length).toBeLessThan(body.length / 4);
    expect(gunzipSync(wire.body)).toEqual(body);
  });
});

describe("GET /docs", () => {
  it("is the standalone Redocly reference: HTML, no script, style or image from another site", async () => {
    const answer = await get("/docs");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(answer.headers.get("etag")).toBeTruthy();
    expect(answer.headers.get("content-security-policy")).toContain("default-src 'none'");
    const page = await answer.text();
    expect(page).toContain("Commerce API reference");
    expect(externalResources(page)).toEqual([]);
    expect(page).not.toMatch(/<script[^>]+src=["']?https?:/i);
    expect(page).not.toMatch(/<link[^>]+href=["']?https?:/i);
    // The agent section of the contract's description is in it.
    expect(page).toContain("agent-configuration");
  });

  it("the scanner does see a CDN script, a style sheet and a url() (so the assertion above can fail)", () => {
    expect(
      externalResources(
        '<script src="https://cdn.example/r.js"></script><link rel="stylesheet" href="//fonts.example/a.css"><style>a{background:url("https://i.example/x.png")}</style><a href="https://redocly.com">x</a><img src="/local.png">',
      ),
    ).toEqual(["https://cdn.example/r.js", "//fonts.example/a.css", "https://i.example/x.png"]);
  });
});

describe("GET /problems/{code}", () => {
  it("every code of the contract has a page with its title, statuses, meaning and advice", async () => {
    for (const code of problemCodes) {
      const doc = problemCodeDocs[code];
      expect(doc, code).toBeDefined();
      const answer = await get(`/problems/${code}`);
      expect(answer.status, code).toBe(200);
      expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const page = await answer.text();
      expect(page).toContain(`<code>${code}</code>`);
      expect(page).toContain(problemTitles[code].replace(/'/g, "&#39;"));
      for (const status of doc!.statuses) expect(page, code).toContain(`<strong>${status}</strong>`);
      expect(page).toContain("What it means");
      expect(page).toContain("What to do");
      expect(externalResources(page)).toEqual([]);
    }
  });

  it("the statuses the contract describes include the one the services answer with", () => {
    for (const code of domainErrorCodes) expect(problemCodeDocs[code]?.statuses, code).toContain(statusOfDomainCode(code));
  });

  it("names the operations whose errors list the code", async () => {
    const page = await (await get("/problems/cart_not_open")).text();
    expect(page).toContain("<code>addCartItem</code>");
    expect(page).toContain("<code>placeOrder</code>");
  });

  it("an unknown code is a 404 problem", async () => {
    const answer = await get("/problems/no_such_code");
    expect(answer.status).toBe(404);
    expect(answer.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await answer.json()).toMatchObject({ status: 404, code: "not_found", type: "/problems/not_found" });
  });

  it("a real problem's `type`, resolved against the URL that answered it, is a 200 page", async () => {
    const unauthenticated = await get("/v1/products");
    expect(unauthenticated.status).toBe(401);
    const missing = await get("/nowhere");
    for (const answer of [unauthenticated, missing]) {
      const problem = (await answer.json()) as { type: string; code: string };
      expect(problem.type).toBe(`/problems/${problem.code}`);
      const page = await fetch(new URL(problem.type, answer.url));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`<code>${problem.code}</code>`);
    }
  });

  it("GET /problems lists every code, linking to its page", async () => {
    const answer = await get("/problems");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await answer.text();
    for (const code of problemCodes) expect(page).toContain(`<a href="/problems/${code}">`);
  });
});
