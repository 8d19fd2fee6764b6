import path from "node:path";
import {
  BaseResolver,
  bundle,
  createConfig,
  lintDocument,
  type Config,
  type Document,
  type NormalizedProblem,
} from "@redocly/openapi-core";
import { SpecError, SpecErrors } from "../errors.js";
import type { OpenApiDocument } from "./openapi-document.js";

/** The contract after `$ref`s across files were bundled into one document. */
export interface LoadedSpec {
  /** Absolute path of the root document. */
  readonly file: string;
  readonly document: OpenApiDocument;
  /** Major.minor of the `openapi` field, e.g. "3.0" or "3.1". */
  readonly version: "3.0" | "3.1";
  readonly warnings: readonly string[];
}

/**
 * Loads, validates and bundles a spec with @redocly/openapi-core: the
 * structural rule (`struct`) catches invalid documents, the resolver catches
 * dangling `$ref`s, and bundling pulls every external file into
 * `#/components/...` so the rest of the generator sees a single document.
 *
 * Throws SpecErrors naming the JSON pointer of each problem.
 */
export async function loadSpec(specPath: string): Promise<LoadedSpec> {
  const file = path.resolve(specPath);
  const config = await createStructuralConfig();
  const resolver = new BaseResolver(config.resolve);

  const root = await resolver.resolveDocument(null, file, true);
  if (!("parsed" in root)) {
    const reason = root.originalError instanceof Error ? root.originalError.message : String(root.originalError);
    throw new SpecErrors([new SpecError(`cannot read the spec: ${reason}`, "", specPath)]);
  }
  const version = detectVersion(root, specPath);

  const lintProblems = await lintDocument({ document: root, config, externalRefResolver: resolver });
  const bundled = await bundle({ config, doc: root, dereference: false, externalRefResolver: resolver });
  const problems = [...lintProblems, ...bundled.problems];

  const errors = problems.filter((problem) => problem.severity === "error").map(toSpecError);
  if (errors.length > 0) throw new SpecErrors(dedupe(errors));

  return {
    file,
    document: bundled.bundle.parsed as OpenApiDocument,
    version,
    warnings: problems.filter((problem) => problem.severity === "warn").map((problem) => toSpecError(problem).format()),
  };
}

/** Only the rules that make a document unusable for code generation; style is `lint:spec`'s job. */
function createStructuralConfig(): Promise<Config> {
  return createConfig({
    rules: {
      struct: "error",
      "no-unresolved-refs": "error",
      "path-declaration-must-exist": "error",
      "path-parameters-defined": "error",
    },
  });
}

function detectVersion(document: Document, specPath: string): "3.0" | "3.1" {
  const parsed = document.parsed as { openapi?: unknown; swagger?: unknown } | null;
  const declared = typeof parsed?.openapi === "string" ? parsed.openapi : undefined;
  if (declared?.startsWith("3.0")) return "3.0";
  if (declared?.startsWith("3.1")) return "3.1";
  const found = declared ?? (parsed?.swagger !== undefined ? `swagger ${String(parsed.swagger)}` : "no version");
  throw new SpecErrors([
    new SpecError(`unsupported document: expected "openapi: 3.0.x" or "3.1.x", found ${found}`, "/openapi", specPath),
  ]);
}

function toSpecError(problem: NormalizedProblem): SpecError {
  const location = problem.location[0];
  // Redocly writes pointers as URI fragments ("#/paths/..."); ours are plain RFC 6901 pointers.
  const pointer = (location?.pointer ?? "").replace(/^#/, "");
  const file = location ? displayPath(location.source.absoluteRef) : undefined;
  return new SpecError(`${problem.message} (${problem.ruleId})`, pointer, file);
}

/** How files are named in messages: relative to the working directory, like the `--spec` argument. */
export function displayPath(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

/** The linter and the bundler can both notice the same node (a dangling $ref): report each place once. */
function dedupe(errors: SpecError[]): SpecError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.file ?? ""}#${error.pointer}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
