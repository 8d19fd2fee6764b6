import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type GenerateOptions, type GenerateResult, generate } from "../../../codegen/generate.js";

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

/**
 * Imports one module of the output `generateInto` wrote into `dir`, typed as
 * the caller states (the output does not exist when the tests are type-checked).
 *
 * @example
 * const { operationMeta } = await importGenerated<{ operationMeta: object }>(dir, "routes.ts");
 */
export async function importGenerated<T>(dir: string, file: string): Promise<T> {
  return (await import(pathToFileURL(path.join(dir, file)).href)) as T;
}
