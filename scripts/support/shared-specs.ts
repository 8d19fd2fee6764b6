import { existsSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * Where the team's third-party specs live (Stripe, Petstore; read in place,
 * never copied into the project): `SHARED_SPECS_DIR` when set, else
 * `../shared/specs` beside the checkout, else the workplace's `/work/shared/specs`
 * (CI runs on a clone that may sit elsewhere on this machine).
 */
export function sharedSpecsDir(): string {
  const candidates = [process.env.SHARED_SPECS_DIR, path.resolve(ROOT, "../shared/specs"), "/work/shared/specs"].filter(
    (candidate): candidate is string => Boolean(candidate),
  );
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`The shared third-party specs were not found; set SHARED_SPECS_DIR. Looked in: ${candidates.join(", ")}`);
  return found;
}

/** A shared spec by file name, e.g. `sharedSpec("petstore3.yaml")`. */
export function sharedSpec(name: string): string {
  return path.join(sharedSpecsDir(), name);
}
