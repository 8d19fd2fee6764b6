import { describe, expect, it } from "vitest";
import { SpecErrors } from "../../codegen/errors.js";
import { generate } from "../../codegen/generate.js";
import { BROKEN_SPECS } from "./support/broken-specs.js";

async function problemsOf(specPath: string) {
  const error = await generate({ specPath }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SpecErrors);
  return (error as SpecErrors).problems;
}

describe("generate() reports broken specs as SpecErrors", () => {
  it.each(BROKEN_SPECS)("$file: the problem's pointer is an RFC 6901 JSON pointer to the node", async ({ spec, pointers }) => {
    const problems = await problemsOf(spec);
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(pointers, problem.format()).toContain(problem.pointer);
  });

  it.each(BROKEN_SPECS)("$file: names the spec file of the problem", async ({ file, spec }) => {
    for (const problem of await problemsOf(spec))
      expect(problem.file ?? "", problem.format()).toMatch(new RegExp(`(^|/)${file.replace(/\./g, "\\.")}$`));
  });

  it("reports a dangling $ref once, not once per tool that noticed it", async () => {
    const dangling = BROKEN_SPECS.find((broken) => broken.file === "dangling-ref.yaml")!;
    expect((await problemsOf(dangling.spec)).map((problem) => problem.format())).toHaveLength(1);
  });
});
