/**
 * A problem with the input spec that stops generation. `pointer` is the JSON
 * pointer (RFC 6901) of the offending node, `file` the document it lives in,
 * so the message tells an API team exactly where to look.
 */
export class SpecError extends Error {
  constructor(
    message: string,
    readonly pointer: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = "SpecError";
  }

  /** One line per problem, e.g. `openapi/commerce.yaml#/paths/~1v1~1carts/post: duplicate operationId "x"`. */
  format(): string {
    return `${this.file ?? ""}#${this.pointer}: ${this.message}`;
  }
}

/** Several spec problems reported together, so one run shows all of them. */
export class SpecErrors extends Error {
  constructor(readonly problems: readonly SpecError[]) {
    super(problems.map((problem) => problem.format()).join("\n"));
    this.name = "SpecErrors";
  }
}

/** Builds a JSON pointer from raw segments, escaping `~` and `/` (RFC 6901). */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((segment) => "/" + String(segment).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}
