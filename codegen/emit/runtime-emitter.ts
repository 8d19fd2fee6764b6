import { readFileSync } from "node:fs";
import type { Emitter } from "./emitter.js";
import { GENERATED_HEADER, quote } from "./ts-text.js";

const TEMPLATE_DIR = new URL("../templates/", import.meta.url);
/**
 * The modules of `codegen/templates/runtime/`, copied into `runtime/`. Listed,
 * not globbed, as the SDK's: a stray file in the directory must not ship.
 */
export const RUNTIME_MODULES = ["dispatcher.ts", "operation.ts", "problem.ts", "request-input.ts", "response.ts", "router.ts"] as const;
/** The module holding the problem-codes block. */
const PROBLEM_CODES_MODULE = "problem.ts";
const PROBLEM_CODES_BLOCK = /\/\/ codegen:problem-codes:start\n[\s\S]*?\/\/ codegen:problem-codes:end\n/;

/**
 * `runtime.ts` and `runtime/`: the spec-independent router code, copied from
 * `codegen/templates/runtime.ts` (the entry, which only re-exports) and
 * `codegen/templates/runtime/` (real, type-checked modules) so the output
 * depends on libraries only. One block depends on the contract, in
 * `runtime/problem.ts`: its closed set of problem codes, when it declares
 * one, replaces the template's open `ProblemCode`, so
 * `new HttpProblem(…, "typo", …)` does not compile.
 */
export const emitRuntime: Emitter = ({ model }) => {
  const modules = RUNTIME_MODULES.map((name) => {
    const path = `runtime/${name}`;
    const template = new URL(path, TEMPLATE_DIR);
    const contents = readFileSync(template, "utf8");
    if (name !== PROBLEM_CODES_MODULE) return { path, contents };
    if (!PROBLEM_CODES_BLOCK.test(contents)) throw new Error(`${template.pathname}: the problem-codes block markers are missing`);
    return {
      path,
      contents: model.problemCodes ? contents.replace(PROBLEM_CODES_BLOCK, () => closedCodes(model.problemCodes!)) : contents,
    };
  });
  return [{ path: "runtime.ts", contents: readFileSync(new URL("runtime.ts", TEMPLATE_DIR), "utf8") }, ...modules].map((file) => ({
    path: file.path,
    contents: `${GENERATED_HEADER}\n${file.contents}`,
  }));
};

function closedCodes(codes: readonly string[]): string {
  return [
    "/** Every code a problem may carry: the contract's closed set (`components.schemas.ProblemCode`). */",
    "export const problemCodes = [",
    ...codes.map((code) => `  ${quote(code)},`),
    "] as const;",
    "export type ProblemCode = (typeof problemCodes)[number];",
    "",
  ].join("\n");
}
