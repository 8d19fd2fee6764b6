import { fixtureSpec } from "./paths.js";

export interface BrokenSpec {
  /** File under test/fixtures/specs/broken/. */
  readonly file: string;
  readonly spec: string;
  /** JSON pointers (RFC 6901, without `#`) the report may name for the problem. */
  readonly pointers: readonly string[];
  /** Words the message must contain, so it says what is wrong. */
  readonly mentions: readonly string[];
}

function broken(file: string, pointers: readonly string[], mentions: readonly string[]): BrokenSpec {
  return { file, spec: fixtureSpec(`broken/${file}`), pointers, mentions };
}

/** Specs the generator must refuse, with where and what each problem is. */
export const BROKEN_SPECS: readonly BrokenSpec[] = [
  broken("dangling-ref.yaml", ["/paths/~1things/get/responses/200/content/application~1json/schema"], ["$ref"]),
  broken("duplicate-operation-id.yaml", ["/paths/~1things/get/operationId"], ["duplicate", "listThings"]),
  broken("paths-is-a-list.yaml", ["/paths"], ["Paths"]),
  broken("response-without-description.yaml", ["/paths/~1things/get/responses/200"], ["description"]),
  broken(
    "admin-scope-outside-admin-path.yaml",
    ["/paths/~1v1~1administrators/get/x-agent-scope"],
    ["x-agent-scope: admin", "/v1/admin", "/v1/administrators"],
  ),
  broken("auto-grant-string.yaml", ["/paths/~1things/get/x-agent-auto-grant"], ["x-agent-auto-grant", "boolean"]),
  broken("destructive-read.yaml", ["/paths/~1things/get/x-agent-destructive"], ["x-agent-destructive: true", "GET"]),
  broken(
    "destructive-auto-granted.yaml",
    ["/paths/~1things~1{thing_id}~1refunds/post/x-agent-destructive"],
    ["x-agent-destructive: true", "x-agent-auto-grant: true"],
  ),
  broken("delete-auto-granted.yaml", ["/paths/~1things~1{thing_id}/delete/x-agent-auto-grant"], ["x-agent-auto-grant: true", "DELETE"]),
  broken(
    "delete-not-destructive.yaml",
    ["/paths/~1things~1{thing_id}/delete/x-agent-destructive"],
    ["x-agent-destructive: false", "DELETE"],
  ),
  broken("parameter-name-clash.yaml", ["/paths/~1things~1{id}/get/parameters"], ["id", "share a name"]),
  broken("body-argument-names.yaml", ["/paths/~1things/post/parameters"], ["body", "_body"]),
  // Either the field that is missing or the one that is there names the problem well.
  broken("problem-codes-without-router-codes.yaml", ["/components/schemas/ProblemCode/enum"], ["ProblemCode", "missing", "malformed_body"]),
  broken("problem-codes-not-snake-case.yaml", ["/components/schemas/ProblemCode/enum"], ["snake_case", "Thing-Not-Found"]),
  broken("swagger-2.yaml", ["/openapi", "/swagger"], ["swagger", "2.0"]),
];
