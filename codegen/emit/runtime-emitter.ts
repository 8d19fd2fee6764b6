import { readFileSync } from "node:fs";
import type { Emitter } from "./emitter.js";
import { GENERATED_HEADER } from "./ts-text.js";

const TEMPLATE = new URL("../templates/router-runtime.ts", import.meta.url);

/**
 * `runtime.ts`: the spec-independent router code, copied from
 * `codegen/templates/router-runtime.ts` (a real, type-checked module) so the
 * output depends on libraries only.
 */
export const emitRuntime: Emitter = () => [{ path: "runtime.ts", contents: `${GENERATED_HEADER}\n${readFileSync(TEMPLATE, "utf8")}` }];
