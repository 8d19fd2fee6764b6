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
export const SAFE_METHODS: ReadonlySet<HttpMethod> = new Set(["get", "head", "options"]);

/**
 * Reads `x-agent-scope`, `x-agent-auto-grant`, `x-agent-approval-strength`
 * and `x-agent-destructive` from an operation, applying the defaults of
 * DESIGN.md: GET/HEAD are auto-granted, every other method needs approval,
 * approval strength is `session`, only DELETE is destructive. Wrongly typed
 * values are errors, not silently defaulted; all of an operation's wrong
 * values are reported together (SpecErrors). An operation that states
 * `x-agent-scope: admin` must live under `/v1/admin` (a defaulted scope,
 * `--default-scope admin` on a foreign spec, is not held to it). Rules that
 * contradict each other are refused (see destructiveProblems).
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
  const destructive = operation["x-agent-destructive"] ?? method === "delete";
  if (typeof destructive !== "boolean") {
    errors.push(
      new SpecError(`x-agent-destructive must be a boolean, got ${JSON.stringify(destructive)}`, `${pointer}/x-agent-destructive`),
    );
  } else if (typeof autoGrant === "boolean") {
    errors.push(...destructiveProblems({ destructive, stated: "x-agent-destructive" in operation, autoGrant, method }, pointer));
  }
  if (errors.length > 0) throw new SpecErrors(errors);
  return {
    scope: scope as string,
    autoGrant: autoGrant as boolean,
    approvalStrength: approvalStrength as ApprovalStrength,
    destructive: destructive as boolean,
  };
}

/**
 * `x-agent-destructive` (an MCP tool's `destructiveHint`: the call may remove
 * or irreversibly give away something, e.g. a refund, a cancellation, an
 * archived product) refused where it contradicts the method or the grant:
 * a read (GET/HEAD/OPTIONS) cannot destroy anything, a DELETE cannot be
 * anything but destructive, and what destroys is never granted to an agent
 * without a merchant's approval.
 */
function destructiveProblems(
  rules: { readonly destructive: boolean; readonly stated: boolean; readonly autoGrant: boolean; readonly method: HttpMethod },
  pointer: string,
): SpecError[] {
  const { destructive, stated, autoGrant, method } = rules;
  const at = `${pointer}/x-agent-destructive`;
  if (destructive && SAFE_METHODS.has(method))
    return [new SpecError(`x-agent-destructive: true contradicts ${method.toUpperCase()}, which only reads`, at)];
  if (!destructive && method === "delete") return [new SpecError("x-agent-destructive: false contradicts DELETE, which removes", at)];
  if (destructive && autoGrant && stated)
    return [new SpecError("x-agent-destructive: true contradicts x-agent-auto-grant: true; destructive operations need approval", at)];
  if (destructive && autoGrant)
    return [
      new SpecError(
        "x-agent-auto-grant: true on a DELETE, which is destructive (x-agent-destructive defaults to true); destructive operations need approval",
        `${pointer}/x-agent-auto-grant`,
      ),
    ];
  return [];
}
