import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Hash of every TypeScript source under `codegenDir` (relative paths and
 * contents, `.build/` left out) and of the `extra` files: what decides
 * whether `generate.mjs` must rebuild its bundle.
 *
 * @example
 * sourcesHash("codegen", ["codegen/bin/generate.mjs"]) // "3f1c…"
 */
export function sourcesHash(codegenDir, extra = []) {
  const hash = createHash("sha256");
  for (const file of extra) hash.update(readFileSync(file));
  const files = readdirSync(codegenDir, { recursive: true, encoding: "utf8" })
    .map((file) => file.split(path.sep).join("/"))
    .filter((file) => file.endsWith(".ts") && !file.startsWith(".build/"))
    .sort();
  for (const file of files) hash.update(`\0${file}\0`).update(readFileSync(path.join(codegenDir, file)));
  return hash.digest("hex");
}
