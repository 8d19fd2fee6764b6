import { readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * The Node flags an npm script of package.json passes (`node <flags> <file>`),
 * so that what the benches and launchers run cannot drift from what
 * `npm start` or `npm run generate` runs. Throws when the script has another
 * shape: a silent fallback would measure something else.
 *
 * @example npmScriptNodeFlags("start", "scripts/start.mjs") // ["--max-semi-space-size=32"]
 */
export function npmScriptNodeFlags(script: string, file: string): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const words = scripts[script]?.split(/\s+/) ?? [];
  if (words[0] !== "node" || words.at(-1) !== file)
    throw new Error(`package.json's ${script} script must be "node [flags] ${file}", not ${JSON.stringify(scripts[script])}`);
  return words.slice(1, -1);
}
