/*
 * The inventory is the truth about what the server mounts: every route
 * Better Auth and its plugins mount is classified (a dependency upgrade that
 * adds one fails here), every route our Express app mounts is listed, and
 * docs/SECURITY.md shows the current inventory.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRoutes } from "../../src/auth/inventory/app-routes.js";
import { type AuthRoute, authRoutes, serverOnlyEndpoints } from "../../src/auth/inventory/auth-routes.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

interface Endpoint {
  readonly path?: string;
  readonly options?: { readonly method?: string | string[] };
}

interface Layer {
  readonly route?: { readonly path: string; readonly methods: Record<string, boolean> };
  readonly handle?: { readonly stack?: readonly Layer[] };
}

function expressRoutes(stack: readonly Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const methods = Object.keys(layer.route.methods).map((method) => method.toUpperCase());
      // `app.all` lists every method; a Router's `all` marks `_all`.
      return [`${methods.length > 3 || methods.includes("_ALL") ? "ALL" : methods.join(",")} ${layer.route.path}`];
    }
    return layer.handle?.stack ? expressRoutes(layer.handle.stack) : [];
  });
}

describe("route inventory", () => {
  let app: TestApp;
  beforeAll(async () => {
    // Every optional face mounted, so that each is walked (/mcp needs an authenticate; it is never called here).
    app = await startTestApp({ mcp: { authenticate: () => Promise.reject(new Error("not called")), challenge: () => "Bearer" } });
  });
  afterAll(async () => app?.close());

  it("classifies exactly the routes Better Auth and its plugins mount, with their methods", () => {
    const endpoints = Object.entries(app.auth.api as unknown as Record<string, Endpoint>);
    const mounted = Object.fromEntries(
      endpoints
        .filter(([, endpoint]) => endpoint.path)
        .map(([, endpoint]) => [endpoint.path!, [endpoint.options?.method ?? []].flat().sort()]),
    );
    const inventory = Object.fromEntries(
      Object.entries(authRoutes as Record<string, AuthRoute>).map(([path, route]) => [
        path,
        route.enabled ? [...route.methods].sort() : mounted[path],
      ]),
    );
    expect(Object.keys(mounted).sort()).toEqual(Object.keys(inventory).sort());
    expect(mounted).toEqual(inventory);
    const pathless = endpoints.filter(([, endpoint]) => !endpoint.path).map(([name]) => name);
    expect(pathless.sort()).toEqual([...serverOnlyEndpoints].sort());
  });

  it("lists every route the Express app mounts", () => {
    const stack = (app.expressApp as unknown as { router: { stack: readonly Layer[] } }).router.stack;
    expect(expressRoutes(stack).sort()).toEqual(appRoutes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it("docs/SECURITY.md shows the current inventory", () => {
    expect(() => execFileSync("npx", ["tsx", "scripts/docs-security.ts", "--check"], { stdio: "pipe" })).not.toThrow();
  });
});
