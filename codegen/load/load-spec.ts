import path from "node:path";
import {
  bundle,
  type Config,
  createConfig,
  type Document,
  lintDocument,
  type NormalizedProblem,
  ResolveError,
  YamlParseError,
} from "@redocly/openapi-core";
import { SpecError, SpecErrors } from "../errors.js";
import { JsonFirstResolver } from "./json-resolver.js";
import type { OpenApiDocument } from "./openapi-document.js";

/** The contract after `$ref`s across files were bundled into one document. */
export interface LoadedSpec {
  /** Absolute path of the root document. */
  readonly file: string;
  readonly document: OpenApiDocument;
  /** Major.minor of the `openapi` field, e.g. "3.0" or "3.1". */
  readonly version: "3.0" | "3.1";
  /** Absolute paths of every file read: the root and each file it `$ref`s (what `--watch` watches). */
  readonly files: readonly string[];
  readonly warnings: readonly string[];
  /**
   * Problems the linter and the bundler found. The document was still read,
   * so the model builder runs too and its problems join these: one run
   * reports everything, as `npm run lint:spec` does.
   */
  readonly errors: readonly SpecError[];
}

/**
 * Loads, validates and bundles a spec with @redocly/openapi-core: the
 * structural rule (`struct`) catches invalid documents, the resolver catches
 * dangling `$ref`s, and bundling pulls every external file into
 * `#/components/...` so the rest of the generator sees a single document.
 *
 * Throws SpecErrors only when there is no document to work on: the file
 * cannot be read, is not YAML/JSON (one `file:line:column` problem, never the
 * file's text), or is not OpenAPI 3.0/3.1. Everything else is returned in
 * `errors`, for the caller to report with its own findings.
 */
export async function loadSpec(specPath: string): Promise<LoadedSpec> {
  const file = path.resolve(specPath);
  const config = await createStructuralConfig();
  const resolver = new JsonFirstResolver(config.resolve);

  const root = await resolver.resolveDocument(null, file, true).catch((error: unknown) => {
    throw new SpecErrors([unreadable(error, displayPath(file))]);
  });
  if (!("parsed" in root)) throw new SpecErrors([unreadable(root, displayPath(file))]);
  const version = detectVersion(root, specPath);

  const lintProblems = await lintDocument({ document: root, config, externalRefResolver: resolver });
  const bundled = await bundle({ config, doc: root, dereference: false, externalRefResolver: resolver });
  const problems = [...lintProblems, ...bundled.problems];

  return {
    file,
    document: bundled.bundle.parsed as OpenApiDocument,
    version,
    files: [...resolver.getFiles()],
    warnings: problems.filter((problem) => problem.severity === "warn").map((problem) => toSpecError(problem).format()),
    errors: problems.filter((problem) => problem.severity === "error").map(toSpecError),
  };
}

/**
 * Why the root document could not be read, in one line. The parser's own
 * error carries the whole file in its `mark` and a stack; only its first line,
 * less the file name and position it repeats, is kept.
 */
function unreadable(error: unknown, shownPath: string): SpecError {
  if (error instanceof YamlParseError) {
    const reason = withoutParserPosition(error.message);
    const position =
      Number.isFinite(error.line) && Number.isFinite(error.col) ? { line: error.line, column: error.col } : { line: 1, column: 1 };
    return new SpecError(`syntax error: ${reason}`, "", shownPath, position);
  }
  const cause = error instanceof ResolveError ? error.originalError : error;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = { ENOENT: "no such file", EACCES: "permission denied", EISDIR: "it is a directory" };
  const message = cause instanceof Error ? cause.message : String(cause);
  const reason =
    code && reasons[code] ? `${reasons[code]} (${code})` : /folder/.test(message) ? "it is a directory" : message.split("\n")[0];
  return new SpecError(`cannot read the spec: ${reason}`, "", shownPath);
}

/** js-yaml's "deficient indentation in "/abs/file.yaml" (9:7)" without the file and place our format shows anyway. */
function withoutParserPosition(message: string): string {
  return message.replace(/ in "[^"]*"/, "").replace(/\s*\(\d+:\d+\)$/, "");
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
  throw new SpecErrors([new SpecError(`unsupported document: expected "openapi: 3.0.x" or "3.1.x", found ${found}`, "/openapi", specPath)]);
}

function toSpecError(problem: NormalizedProblem): SpecError {
  const location = problem.location[0];
  const file = location ? displayPath(location.source.absoluteRef) : undefined;
  // A referenced file that does not parse has no pointer, only the syntax error's place.
  if (location && location.pointer === undefined && "start" in location) {
    const reason = withoutParserPosition(problem.message.split("\n")[0]!.replace(/^Failed to parse: /, ""));
    return new SpecError(`syntax error: ${reason} (${problem.ruleId})`, "", file, {
      line: location.start.line,
      column: location.start.col,
    });
  }
  // Redocly writes pointers as URI fragments ("#/paths/..."); ours are plain RFC 6901 pointers.
  const pointer = (location?.pointer ?? "").replace(/^#/, "");
  return new SpecError(`${problem.message} (${problem.ruleId})`, pointer, file);
}

/** How files are named in messages: relative to the working directory, like the `--spec` argument. */
export function displayPath(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

/**
 * The linter, the bundler and the model builder can all notice the same node
 * (a dangling $ref, a response key that is no status): report each place once,
 * with the first finder's message.
 */
export function dedupeSpecErrors(errors: readonly SpecError[]): SpecError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = error.position
      ? `${error.file ?? ""}:${error.position.line}:${error.position.column}`
      : `${error.file ?? ""}#${error.pointer}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
