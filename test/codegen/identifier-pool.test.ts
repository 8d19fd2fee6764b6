import { describe, expect, it } from "vitest";
import { IdentifierPool } from "../../codegen/emit/ts-text.js";

describe("IdentifierPool", () => {
  it.each([
    ["listProducts_parameters", "listProducts_parameters"],
    ["repos/get-content", "repos_get_content"],
    ["2fa", "_2fa"],
    // GitHub's response component `import`: `export const import = …` does not parse (regression, GitHub's description).
    ["import", "import_"],
    ["default", "default_"],
    ["await", "await_"],
    ["eval", "eval_"],
    ["imports", "imports"],
  ])("%s → %s", (name, want) => {
    expect(new IdentifierPool().take(name)).toBe(want);
  });

  it("suffixes a name already taken, reserved words included", () => {
    const pool = new IdentifierPool();
    expect([pool.take("import"), pool.take("import"), pool.take("a-b"), pool.take("a.b")]).toEqual([
      "import_",
      "import__2",
      "a_b",
      "a_b_2",
    ]);
  });
});
