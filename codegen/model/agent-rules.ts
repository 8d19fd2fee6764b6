import { SpecError, SpecErrors } from "../errors.js";
import type { AgentRules, ApprovalStrength, HttpMethod } from "./operation-model.js";

/** Options that fill in agent rules a spec does not state. */
export interface AgentRuleDefaults {
  /** Scope of operations without `x-agent-scope`. */
  readonly scope: string;
}

const APPROVAL_STRENGTHS: readonly ApprovalStrength[] = ["session", "webauthn"];
const SCOPE_PATTERN = /^[a-z][a-z0-9_:-]*$/;

/** Scope names are lower-case tokens, e.g. `storefront`, `admin`, `billing:read`. */
export function isScopeName(value: unknown): value is string {
  return typeof value === "string" && SCOPE_PATTERN.test(value);
}
/** Where admin operations live: `/v1/admin` and below (the contract's convention, also a `redocly.yaml` rule). */
export const ADMIN_PATH_PREFIX = "/v1/admin";

/** `/v1/admin` itself or a path below it (not `/v1/administrators`). */
export function isAdminPath(path: string): boolean {
  return path === ADMIN_PATH_PREFIX || path.startsWith(`${ADMIN_PATH_PREFIX}/`);
}

/** Reads are safe to grant without a merchant's approval; anything that changes data is not. */
const SAFE_METHODS: ReadonlySet<HttpMethod> = new Set(["get", "head", "options"]);

/**
 * Reads `x-agent-scope`, `x-agent-auto-grant` and `x-agent-approval-strength`
 * from an operation, applying the defaults of DESIGN.md: GET/HEAD are
 * auto-granted, every other method needs approval, approval strength is
 * `session`. Wrongly typed values are errors, not silently defaulted; all
 * of an operation's wrong values are reported together (SpecErrors). An
 * operation that states `x-agent-scope: admin` must live under `/v1/admin`
 * (a defaulted scope, `--default-scope admin` on a foreign spec, is not held to it).
 */
export function readAgentRules(
  operation: Record<string, unknown>,
  route: { readonly method: HttpMethod; readonly path: string },
  pointer: string,
  defaults: AgentRuleDefaults,
): AgentRules {
  const { method, path } = route;
  const errors: SpecError[] = [];
  const scope = operation["x-agent-scope"] ?? defaults.scope;
  if (!isScopeName(scope)) {
    errors.push(new SpecError(`x-agent-scope must be a lower-case scope name, got ${JSON.stringify(scope)}`, `${pointer}/x-agent-scope`));
  } else if (operation["x-agent-scope"] === "admin" && !isAdminPath(path)) {
    errors.push(
      new SpecError(`x-agent-scope: admin belongs under ${ADMIN_PATH_PREFIX}, but the path is ${path}`, `${pointer}/x-agent-scope`),
    );
  }
  const autoGrant = operation["x-agent-auto-grant"] ?? SAFE_METHODS.has(method);
  if (typeof autoGrant !== "boolean") {
    errors.push(new SpecError(`x-agent-auto-grant must be a boolean, got ${JSON.stringify(autoGrant)}`, `${pointer}/x-agent-auto-grant`));
  }
  const approvalStrength = operation["x-agent-approval-strength"] ?? "session";
  if (!APPROVAL_STRENGTHS.includes(approvalStrength as ApprovalStrength)) {
    errors.push(
      new SpecError(
        `x-agent-approval-strength must be one of ${APPROVAL_STRENGTHS.join(", ")}, got ${JSON.stringify(approvalStrength)}`,
        `${pointer}/x-agent-approval-strength`,
      ),
    );
  }
  if (errors.length > 0) throw new SpecErrors(errors);
  return { scope: scope as string, autoGrant: autoGrant as boolean, approvalStrength: approvalStrength as ApprovalStrength };
}
