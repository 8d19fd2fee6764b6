import path from "node:path";
import { pathToFileURL } from "node:url";
import type { GenerateOptions, GenerateResult } from "../../../codegen/generate.js";
import { generateInto } from "./write-generated.js";

/** One entry of a generated `capabilities.ts`, as the tests read it. */
export interface Capability {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly scope: string;
  readonly autoGrant: boolean;
  readonly approvalStrength: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
  readonly parameters: readonly { readonly name: string; readonly in: string }[];
  readonly body:
    | { readonly mode: "none" }
    | { readonly mode: "flat"; readonly fields: readonly string[]; readonly required: boolean }
    | { readonly mode: "wrapped"; readonly argument: string };
}

/** The exports of a generated `capabilities.ts`. */
export interface CapabilityRegistry {
  readonly capabilities: Readonly<Record<string, Capability>>;
  readonly capabilityNames: readonly string[];
  readonly autoGrantedCapabilities: readonly string[];
  readonly approvalRequiredCapabilities: readonly string[];
  readonly capabilitiesByScope: Readonly<Record<string, readonly string[]>>;
}

/**
 * Generates `options.specPath` into `dir` and imports the fresh
 * `capabilities.ts` from there. Use one `dir` per spec and test file: a
 * module is imported once per path.
 */
export async function loadCapabilities(dir: string, options: GenerateOptions): Promise<CapabilityRegistry & { result: GenerateResult }> {
  const result = await generateInto(dir, options);
  const registry = (await import(pathToFileURL(path.join(dir, "capabilities.ts")).href)) as CapabilityRegistry;
  return { ...registry, result };
}
