import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { generate, type GenerateOptions, type GenerateResult } from "../../../codegen/generate.js";

/**
 * Runs the in-memory pipeline and writes its files into a fresh `dir`
 * (emptied first), so the output can be type-checked or imported.
 */
export async function generateInto(dir: string, options: GenerateOptions): Promise<GenerateResult> {
  const result = await generate(options);
  await rm(dir, { recursive: true, force: true });
  for (const file of result.files) {
    const target = path.join(dir, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.contents);
  }
  return result;
}
