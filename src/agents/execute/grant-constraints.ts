import { httpProblem } from "../../http/problem-titles.js";

/** A constraint on one field: a bare value means `eq` (the plugin's operators). */
export type ConstraintValue = string | number | boolean | { eq?: unknown; min?: number; max?: number; in?: unknown[]; not_in?: unknown[] };

/** One grant's constraints, by field. */
export type GrantConstraints = Readonly<Record<string, ConstraintValue>>;

export interface ConstraintViolation {
  readonly field: string;
  readonly constraint: string;
  readonly actual: unknown;
}

const OPERATORS = new Set(["eq", "min", "max", "in", "not_in"]);

/**
 * What a call must satisfy when an agent holds an operation only through
 * constrained grants (e.g. `placeOrder` with `{ total_amount: { max: 5000 } }`):
 * at least one grant's constraints must all hold. The fields are the call's
 * flat capability arguments (path, query and header parameters, top-level
 * body fields, named as the capability's input schema names them, see
 * capability-arguments.ts) plus values the operation derives (placeOrder:
 * `total_amount`, `currency`). Unknown operators fail closed.
 */
export class ConstraintGate {
  constructor(
    readonly capability: string,
    private readonly grants: readonly GrantConstraints[],
  ) {}

  /** Throws 403 `constraint_violated` naming the fields when no grant allows the call. */
  assert(view: Readonly<Record<string, unknown>>): void {
    let closest: ConstraintViolation[] | undefined;
    for (const constraints of this.grants) {
      const violations = violationsOf(constraints, view);
      if (violations.length === 0) return;
      if (!closest || violations.length < closest.length) closest = violations;
    }
    throw httpProblem(
      403,
      "constraint_violated",
      `The merchant approved ${this.capability} only within limits: ${(closest ?? []).map((item) => `${item.field} ${item.constraint} (got ${JSON.stringify(item.actual)})`).join("; ")}.`,
    );
  }
}

export function violationsOf(constraints: GrantConstraints, view: Readonly<Record<string, unknown>>): ConstraintViolation[] {
  const violations: ConstraintViolation[] = [];
  for (const [field, constraint] of Object.entries(constraints)) {
    const actual = view[field];
    const rules = typeof constraint === "object" && constraint !== null ? constraint : { eq: constraint };
    for (const [operator, expected] of Object.entries(rules)) {
      if (!OPERATORS.has(operator) || !holds(operator, expected, actual)) {
        violations.push({ field, constraint: `${operator} ${JSON.stringify(expected)}`, actual });
      }
    }
  }
  return violations;
}

function holds(operator: string, expected: unknown, actual: unknown): boolean {
  switch (operator) {
    case "eq":
      return actual === expected;
    case "min":
      return typeof actual === "number" && typeof expected === "number" && actual >= expected;
    case "max":
      return typeof actual === "number" && typeof expected === "number" && actual <= expected;
    case "in":
      return Array.isArray(expected) && expected.includes(actual);
    case "not_in":
      return Array.isArray(expected) && actual !== undefined && !expected.includes(actual);
    default:
      return false;
  }
}

/** A grant's stored constraints (JSON text or object), or null when it has none. */
export function parseGrantConstraints(value: unknown): GrantConstraints | null {
  const parsed = typeof value === "string" ? safeParse(value) : value;
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || Object.keys(parsed).length === 0) return null;
  return parsed as GrantConstraints;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Unreadable constraints must not turn into "no constraints".
    return { unreadable: { in: [] } };
  }
}

/** What an agent's active grants allow: the capabilities, and the gates of those held only under constraints. */
export interface GrantedAccess {
  readonly capabilities: Set<string>;
  readonly gates: Map<string, ConstraintGate>;
}

export function accessOfGrants(grants: readonly { readonly capability: string; readonly constraints?: unknown }[]): GrantedAccess {
  const unconstrained = new Set<string>();
  const constrained = new Map<string, GrantConstraints[]>();
  for (const grant of grants) {
    const constraints = parseGrantConstraints(grant.constraints);
    if (!constraints) unconstrained.add(grant.capability);
    else constrained.set(grant.capability, [...(constrained.get(grant.capability) ?? []), constraints]);
  }
  const gates = new Map<string, ConstraintGate>();
  for (const [capability, sets] of constrained)
    if (!unconstrained.has(capability)) gates.set(capability, new ConstraintGate(capability, sets));
  return { capabilities: new Set([...unconstrained, ...constrained.keys()]), gates };
}
