import path from "node:path";
import { fileURLToPath } from "node:url";
import { sharedSpec } from "../../../scripts/support/shared-specs.js";

/** Root of the project (where package.json and node_modules live). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Generated output of tests goes here: inside the project so `express`, `ajv`, `openapi-fetch` resolve; git-ignored. */
export const OUT_ROOT = path.join(PROJECT_ROOT, "test/codegen/out");

/** The real contract of this project. */
export const COMMERCE_SPEC = path.join(PROJECT_ROOT, "openapi/commerce.yaml");

/** Third-party specs, read in place (never copied into the project). */
export const PETSTORE_SPEC = sharedSpec("petstore3.yaml");
export const STRIPE_SPEC = sharedSpec("stripe-spec3-2023-09-12.yaml");

/** A fixture spec by its path under `test/fixtures/specs/`, e.g. `fixtureSpec("enums.yaml")`. */
export function fixtureSpec(name: string): string {
  return path.join(PROJECT_ROOT, "test/fixtures/specs", name);
}

/** An output directory for one test file's use, e.g. `outDir("determinism", "first")`. */
export function outDir(...segments: string[]): string {
  return path.join(OUT_ROOT, ...segments);
}
