import type { SchemaObject } from "../load/openapi-document.js";
import type { ProblemCodeDoc } from "./problem-codes.js";

/** HTTP methods an OpenAPI path item can hold, in the order the spec lists them. */
export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Where a parameter lives; also the key of the handler input that carries it. */
export type ParameterLocation = "path" | "query" | "header" | "cookie";

/** A raw (not yet converted) schema from the bundled document: OpenAPI dialect, local `$ref`s. */
export type SpecSchema = SchemaObject | { $ref: string };

export interface ParameterModel {
  readonly name: string;
  readonly in: ParameterLocation;
  readonly required: boolean;
  readonly schema: SpecSchema;
  readonly description: string | undefined;
}

/** How the router parses a body of this media type before validating it. */
export type BodyKind = "json" | "form" | "text" | "binary" | "unsupported";

export interface MediaModel {
  readonly contentType: string;
  readonly kind: BodyKind;
  readonly schema: SpecSchema | undefined;
}

export interface RequestBodyModel {
  readonly required: boolean;
  readonly media: readonly MediaModel[];
}

export interface ResponseModel {
  /** "200", "4XX" or "default", exactly as the spec keys it. */
  readonly status: string;
  readonly media: readonly MediaModel[];
}

export type ApprovalStrength = "session" | "webauthn";

/** The agent rules of one operation after defaults were applied. */
export interface AgentRules {
  readonly scope: string;
  readonly autoGrant: boolean;
  readonly approvalStrength: ApprovalStrength;
  /** May remove or irreversibly give away something (`x-agent-destructive`; default: true for DELETE only). */
  readonly destructive: boolean;
}

export interface OperationModel {
  readonly operationId: string;
  readonly method: HttpMethod;
  readonly path: string;
  /** JSON pointer of the operation object, for error messages. */
  readonly pointer: string;
  readonly summary: string | undefined;
  readonly description: string | undefined;
  readonly deprecated: boolean;
  /** The operation's `tags`, in spec order (the first one picks its handler file: `--scaffold`). */
  readonly tags: readonly string[];
  /** Path-level and operation-level parameters merged (operation wins), in spec order. */
  readonly parameters: readonly ParameterModel[];
  readonly requestBody: RequestBodyModel | undefined;
  readonly responses: readonly ResponseModel[];
  readonly agent: AgentRules;
}

/** Everything the emitters need, built once per run. */
export interface ApiModel {
  readonly title: string;
  readonly version: string;
  readonly openapiVersion: "3.0" | "3.1";
  readonly operations: readonly OperationModel[];
  /** `#/components/schemas` of the bundled document, still in OpenAPI dialect. */
  readonly componentSchemas: Readonly<Record<string, SpecSchema>>;
  /** `#/components/schemas/ProblemCode`'s enum: the closed set of problem codes, when the contract declares one. */
  readonly problemCodes: readonly string[] | undefined;
  /** Each problem code's statuses, meaning and advice (`ProblemCode`'s `x-enumDescriptions`), when the contract has them. */
  readonly problemCodeDocs: Readonly<Record<string, ProblemCodeDoc>> | undefined;
  /** Non-fatal findings (skipped operations, ignored constructs), printed by the CLI. */
  readonly warnings: readonly string[];
}
