import { readFileSync } from "node:fs";
import type { Emitter } from "./emitter.js";
import { GENERATED_HEADER, quote } from "./ts-text.js";

const TEMPLATE = new URL("../templates/router-runtime.ts", import.meta.url);
const PROBLEM_CODES_BLOCK = /\/\/ codegen:problem-codes:start\n[\s\S]*?\/\/ codegen:problem-codes:end\n/;

/**
 * `runtime.ts`: the spec-independent router code, copied from
 * `codegen/templates/router-runtime.ts` (a real, type-checked module) so the
 * output depends on libraries only. One block depends on the contract: its
 * closed set of problem codes, when it declares one, replaces the template's
 * open `ProblemCode`, so `new HttpProblem(…, "typo", …)` does not compile.
 */
export const emitRuntime: Emitter = ({ model }) => {
  const template = readFileSync(TEMPLATE, "utf8");
  if (!PROBLEM_CODES_BLOCK.test(template)) throw new Error(`${TEMPLATE.pathname}: the problem-codes block markers are missing`);
  const contents = model.problemCodes ? template.replace(PROBLEM_CODES_BLOCK, () => closedCodes(model.problemCodes!)) : template;
  return [{ path: "runtime.ts", contents: `${GENERATED_HEADER}\n${contents}` }];
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
