/** Where in a file's text a problem is, 1-based (for problems that have no node: syntax errors). */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/**
 * A problem with the input spec that stops generation. `pointer` is the JSON
 * pointer (RFC 6901) of the offending node, `file` the document it lives in,
 * so the message tells an API team exactly where to look. A file that cannot
 * be parsed has no nodes: its problem carries the `position` of the syntax
 * error instead.
 */
export class SpecError extends Error {
  constructor(
    message: string,
    readonly pointer: string,
    readonly file?: string,
    readonly position?: TextPosition,
  ) {
    super(message);
    this.name = "SpecError";
  }

  /**
   * One line per problem:
   * - `openapi/commerce.yaml#/paths/~1v1~1carts/post: duplicate operationId "x"` (a node),
   * - `openapi/commerce.yaml:12:7: syntax error: bad indentation of a mapping entry` (a place in the text),
   * - `openapi/missing.yaml: cannot read the spec: no such file (ENOENT)` (the whole file).
   */
  format(): string {
    const file = this.file ?? "";
    if (this.position) return `${file}:${this.position.line}:${this.position.column}: ${this.message}`;
    if (this.pointer === "") return `${file}: ${this.message}`;
    return `${file}#${this.pointer}: ${this.message}`;
  }
}

/** Several spec problems reported together, so one run shows all of them. */
export class SpecErrors extends Error {
  constructor(
    readonly problems: readonly SpecError[],
    /** The files the spec was read from (root and every `$ref`'d one), when it got that far: what --watch keeps watching. */
    readonly specFiles: readonly string[] = [],
  ) {
    super(problems.map((problem) => problem.format()).join("\n"));
    this.name = "SpecErrors";
  }
}

/** Runs `step`; a SpecError or SpecErrors it throws is added to `errors` (and `undefined` returned), anything else propagates. */
export function collectSpecErrors<T>(errors: SpecError[], step: () => T): T | undefined {
  try {
    return step();
  } catch (error) {
    if (error instanceof SpecErrors) errors.push(...error.problems);
    else if (error instanceof SpecError) errors.push(error);
    else throw error;
    return undefined;
  }
}

/** Builds a JSON pointer from raw segments, escaping `~` and `/` (RFC 6901). */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((segment) => `/${String(segment).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}
