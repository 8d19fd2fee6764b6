import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../codegen/generate.js";
import { compile2020 } from "./support/ajv.js";
import { loadMcpTools, type McpToolDefinition, type McpToolList } from "./support/load-mcp-tools.js";
import { COMMERCE_SPEC, fixtureSpec, outDir } from "./support/paths.js";

type Loaded = Awaited<ReturnType<typeof loadMcpTools>>;

function toolOf(list: McpToolList, name: string): McpToolDefinition {
  const definition = list.mcpToolsByName.get(name);
  if (!definition) throw new Error(`no tool ${name}`);
  return definition;
}

describe("mcp-tools.ts of openapi/commerce.yaml", () => {
  let loaded: Loaded;
  beforeAll(async () => {
    loaded = await loadMcpTools(outDir("mcp-tools", "commerce"), { specPath: COMMERCE_SPEC });
  });

  it("has exactly one tool per operation, named after its operationId, sorted by name", () => {
    const operationIds = loaded.result.operations.map((operation) => operation.operationId);
    const names = loaded.mcpTools.map((definition) => definition.tool.name);
    expect(names).toEqual([...operationIds].sort());
    expect(new Set(names).size).toBe(names.length);
    expect(loaded.mcpToolsByName.size).toBe(names.length);
    for (const definition of loaded.mcpTools) expect(definition.operationId).toBe(definition.tool.name);
  });

  it("takes inputSchema and description from the capability itself (what capability/execute validates)", () => {
    for (const { tool } of loaded.mcpTools) {
      const capability = loaded.registry.capabilities[tool.name]!;
      expect(tool.inputSchema, tool.name).toBe(capability.inputSchema);
      expect(tool.description, tool.name).toBe(capability.description);
      expect(tool.inputSchema.type, tool.name).toBe("object");
    }
  });

  it("carries the capability's scope and grant, and says which tools change data", () => {
    for (const definition of loaded.mcpTools) {
      const capability = loaded.registry.capabilities[definition.operationId]!;
      expect(definition, definition.operationId).toMatchObject({
        scope: capability.scope,
        autoGrant: capability.autoGrant,
        changesData: capability.method !== "GET",
      });
    }
  });

  it.each([
    // name, readOnly, destructive, idempotent: why
    ["listProducts", true, false, true], // GET
    ["getOrder", true, false, true], // GET
    ["adminListOrders", true, false, true], // GET, even though it needs approval
    ["createCart", false, false, false], // POST without a key
    ["addCartItem", false, false, false], // POST without a key
    ["updateCartItem", false, false, false], // PATCH
    ["removeCartItem", false, true, true], // DELETE: destructive and idempotent by the method
    ["placeOrder", false, false, true], // Idempotency-Key
    ["adminCreateProduct", false, false, true], // Idempotency-Key
    ["adminRefundOrder", false, true, true], // x-agent-destructive, Idempotency-Key
    ["adminCancelOrder", false, true, false], // x-agent-destructive
    ["adminArchiveProduct", false, true, false], // x-agent-destructive
  ])("%s: readOnly %s, destructive %s, idempotent %s", (name, readOnlyHint, destructiveHint, idempotentHint) => {
    expect(toolOf(loaded, name).tool.annotations).toMatchObject({ readOnlyHint, destructiveHint, idempotentHint, openWorldHint: false });
  });

  it("states every hint on every tool: GET is read-only, nothing is open-world, titles are the summaries", () => {
    for (const { tool } of loaded.mcpTools) {
      const capability = loaded.registry.capabilities[tool.name]!;
      const { annotations } = tool;
      expect(Object.keys(annotations).sort(), tool.name).toEqual(
        ["destructiveHint", "idempotentHint", "openWorldHint", "readOnlyHint", "title"].sort(),
      );
      expect(annotations.readOnlyHint, tool.name).toBe(capability.method === "GET");
      if (annotations.readOnlyHint) expect(annotations.destructiveHint, tool.name).toBe(false);
      expect(annotations.openWorldHint, tool.name).toBe(false);
      expect(annotations.title, tool.name).toBe(tool.title);
      expect(capability.description.startsWith(`${tool.title}\n`), tool.name).toBe(true);
    }
  });

  it("gives every tool an object output schema that Ajv 2020 compiles in strict mode", () => {
    for (const definition of loaded.mcpTools) {
      const { outputSchema } = definition.tool;
      expect(definition.output, definition.operationId).toEqual({ mode: "body" });
      expect(outputSchema?.type, definition.operationId).toBe("object");
      expect(() => compile2020(outputSchema!, { strict: true }), definition.operationId).not.toThrow();
    }
  });

  it("describes a product with getProduct's output schema", () => {
    const validate = compile2020(toolOf(loaded, "getProduct").tool.outputSchema!);
    expect(validate([])).toBe(false);
    expect(validate({ id: "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f" })).toBe(false);
  });
});

describe("mcp-tools.ts of the mcp-tools fixture", () => {
  let loaded: Loaded;
  beforeAll(async () => {
    loaded = await loadMcpTools(outDir("mcp-tools", "fixture"), { specPath: fixtureSpec("mcp-tools.yaml") });
  });

  it.each([
    // name, output mode, readOnly, destructive, idempotent
    ["listThings", "wrapped", true, false, true],
    ["createThing", "body", false, false, false], // an optional Idempotency-Key does not make it idempotent
    ["putThing", "body", false, false, true], // PUT
    ["deleteThing", "none", false, true, true], // DELETE, 204
    ["getThingLabel", "none", true, false, true], // text/plain
    ["refundThing", "wrapped", false, true, true], // x-agent-destructive, a required `idempotency-key`
  ])("%s: output %s, readOnly %s, destructive %s, idempotent %s", (name, mode, readOnlyHint, destructiveHint, idempotentHint) => {
    const definition = toolOf(loaded, name);
    expect(definition.output.mode).toBe(mode);
    expect(definition.tool.annotations).toMatchObject({ readOnlyHint, destructiveHint, idempotentHint, openWorldHint: false });
    if (mode === "none") expect(definition.tool).not.toHaveProperty("outputSchema");
    else expect(definition.tool.outputSchema?.type).toBe("object");
  });

  it("wraps a body that is not an object as { result }", () => {
    expect(toolOf(loaded, "listThings").output).toEqual({ mode: "wrapped", property: "result" });
    const validate = compile2020(toolOf(loaded, "listThings").tool.outputSchema!, { strict: true });
    expect(validate({ result: [{ id: "t1", name: "One" }] }), JSON.stringify(validate.errors)).toBe(true);
    expect(validate([{ id: "t1", name: "One" }])).toBe(false);
    expect(validate({ result: [{ id: "t1" }] })).toBe(false);
    const refund = compile2020(toolOf(loaded, "refundThing").tool.outputSchema!, { strict: true });
    expect(refund({ result: 5 })).toBe(true);
    expect(refund({ result: "5" })).toBe(false);
  });

  it("accepts either success body of an operation with two (anyOf)", () => {
    const validate = compile2020(toolOf(loaded, "putThing").tool.outputSchema!, { strict: true });
    expect(validate({ id: "t1", name: "One" })).toBe(true);
    expect(validate({ created: { id: "t1", name: "One" } })).toBe(true);
    expect(validate({ created: "t1" })).toBe(false);
  });

  it("uses the description when there is no summary, and then has no title", () => {
    const { tool } = toolOf(loaded, "createThing");
    expect(tool.description).toBe("Creates a thing; the key is optional.");
    expect(tool).not.toHaveProperty("title");
    expect(tool.annotations).not.toHaveProperty("title");
  });
});

describe("the tool list follows the contract", () => {
  const work = outDir("mcp-tools", "changes");
  const toolsOf = async (yaml: string, name: string): Promise<string> => {
    const spec = path.join(work, `${name}.yaml`);
    await writeFile(spec, yaml);
    const { files } = await generate({ specPath: spec });
    return files.find((file) => file.path === "mcp-tools.ts")!.contents;
  };
  let original: string;
  let base: string;
  beforeAll(async () => {
    await mkdir(work, { recursive: true });
    original = await readFile(fixtureSpec("mcp-tools.yaml"), "utf8");
    base = await toolsOf(original, "base");
  });

  it("adds a tool for an added operation", async () => {
    const added = original.replace(
      "  /things/{thing_id}:\n",
      "  /things/count:\n    get:\n      operationId: countThings\n      responses:\n        '204':\n          description: Counted.\n  /things/{thing_id}:\n",
    );
    expect(added).not.toBe(original);
    const tools = await toolsOf(added, "added");
    expect(base).not.toContain('name: "countThings"');
    expect(tools).toContain('name: "countThings"');
  });

  it("turns destructiveHint off when the extension goes", async () => {
    const edited = original.replace("      x-agent-destructive: true\n", "");
    expect(edited).not.toBe(original);
    const hint = (text: string) => text.slice(text.indexOf('name: "refundThing"')).match(/destructiveHint: (\w+)/)?.[1];
    expect(hint(base)).toBe("true");
    expect(hint(await toolsOf(edited, "not-destructive"))).toBe("false");
  });
});
