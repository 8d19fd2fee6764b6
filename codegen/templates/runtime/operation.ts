/*
 * What the generated routes hand the runtime: each operation's metadata from
 * the contract, its validators and handler, and the shapes of handler input
 * and results.
 */

export type BodyKind = "json" | "form" | "text" | "binary" | "unsupported";

export interface MediaMeta {
  readonly contentType: string;
  readonly kind: BodyKind;
}

/** What the router knows about one operation, emitted from the contract. */
export interface OperationMeta {
  readonly operationId: string;
  readonly method: "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace";
  /** The path as the contract writes it: `/v1/carts/{cart_id}`. */
  readonly path: string;
  /** Declared header parameters; the handler sees them under these exact names. */
  readonly headerNames: readonly string[];
  readonly requestBody: { readonly required: boolean; readonly media: readonly MediaMeta[] } | undefined;
  /** Response media by status key ("200", "4XX", "default"); an empty list means no body. */
  readonly responses: Readonly<Record<string, readonly MediaMeta[]>>;
}

/** The shape of an Ajv standalone validator. */
export interface ValidateFunction {
  (data: unknown): boolean;
  errors?: readonly ValidationErrorObject[] | null;
}

/** One error of an Ajv validator, as it reports them. */
export interface ValidationErrorObject {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

type Digit = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
type ToNumber<Text> = Text extends `${infer Value extends number}` ? Value : never;
/** The status codes of a response range: `StatusRange<4>` is 400 | 401 | … | 499 (OpenAPI's `4XX`). */
export type StatusRange<Class extends 1 | 2 | 3 | 4 | 5> = ToNumber<`${Class}${Digit}${Digit}`>;

/** `T` with the keys `K` present: parameters whose schema has a `default` are always filled in after validation. */
export type WithDefaults<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: Exclude<T[P], undefined> };

/** What a handler returns: one of the responses its operation declares. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One operation wired to its validators and handler; built by the generated `createRouter`. */
export interface RouteDefinition<TContext> {
  readonly operation: OperationMeta;
  /** Validates and coerces `{ params, query, headers }` in place. */
  readonly validateParameters: ValidateFunction | undefined;
  /** Validators by request body kind (JSON strict, form data coerced). */
  readonly validateBody: Partial<Record<BodyKind, ValidateFunction>>;
  readonly handle: (input: RawInput, context: TContext) => HandlerResult | Promise<HandlerResult>;
}

/** Handler input before its static type is applied: validated, coerced, defaults filled. */
export interface RawInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}
