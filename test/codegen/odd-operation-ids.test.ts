import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { type CapabilityRegistry, loadCapabilities } from "./support/load-capabilities.js";
import { fixtureSpec, outDir } from "./support/paths.js";
import { serveGenerated } from "./support/serve-generated.js";
import { checkSnippets, type SnippetDiagnostic } from "./support/snippet-diagnostics.js";

// operationIds are capability names verbatim, whatever characters they use;
// the generated code must still compile (fixtures-typecheck checks the files).
const IDS = ["get-thing.v2", "things/replace", "get_thing_v2", "2fast 2create"];
const DIR = outDir("odd-operation-ids");

let registry: CapabilityRegistry;
let snippet: SnippetDiagnostic[];

beforeAll(async () => {
  registry = await loadCapabilities(DIR, { specPath: fixtureSpec("odd-operation-ids.yaml") });
  const results: Record<string, string> = {
    "get-thing.v2": '{ status: 200, body: { name: "a" } }',
    "things/replace": "{ status: 200 }",
    get_thing_v2: "{ status: 200 }",
    "2fast 2create": "{ status: 201 }",
  };
  const handlers = IDS.map((id) => `  ${JSON.stringify(id)}: () => (${results[id]}),`).join("\n");
  const found = checkSnippets(DIR, {
    usage: `import type { Handlers } from "./routes.js";\nexport const handlers: Handlers = {\n${handlers}\n};\n`,
  });
  snippet = found.usage!;
});

describe("operationIds that are not identifiers", () => {
  it("become capability names unchanged", () => {
    expect([...registry.capabilityNames].sort()).toEqual([...IDS].sort());
    for (const id of IDS) expect(registry.capabilities[id]?.name).toBe(id);
  });

  it("are the keys of the SDK's operation routes", async () => {
    const sdk = (await import(pathToFileURL(path.join(DIR, "sdk/operations.ts")).href)) as { operationRoutes: Record<string, unknown> };
    expect(Object.keys(sdk.operationRoutes).sort()).toEqual([...IDS].sort());
    expect(sdk.operationRoutes["get-thing.v2"]).toEqual({ method: "GET", path: "/things/{thing-id}" });
  });

  it("are the method names of Handlers (a handlers object keyed by them compiles)", () => {
    expect(snippet.map((diagnostic) => diagnostic.message)).toEqual([]);
  });
});

describe("a path parameter whose name is not an identifier", () => {
  it("reaches the handler under its own name", async () => {
    const server = await serveGenerated(DIR, IDS, { name: "a" });
    try {
      const response = await fetch(`${server.baseUrl}/things/a-b.c`);
      expect(response.status).toBe(200);
      expect(server.calls).toEqual([{ operationId: "get-thing.v2", params: { "thing-id": "a-b.c" } }]);
    } finally {
      server.close();
    }
  });
});
