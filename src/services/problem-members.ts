import { HttpProblem, type ProblemDetails } from "../../generated/routes.js";

/**
 * A problem with RFC 9457 extension members (the contract's Problem schema
 * declares which, e.g. `remaining`). Built around a literal `new HttpProblem`
 * so the contract test that reads statuses and codes from the source still
 * sees them.
 *
 * @example
 * throw withMembers(new HttpProblem(403, "budget_exceeded", "Budget exceeded", detail), { remaining });
 */
export function withMembers(problem: HttpProblem, members: Readonly<Record<string, unknown>>): HttpProblem {
  return new ProblemWithMembers(problem, members);
}

class ProblemWithMembers extends HttpProblem {
  constructor(
    base: HttpProblem,
    private readonly members: Readonly<Record<string, unknown>>,
  ) {
    super(base.status, base.code, base.title, base.detail, base.errors, base.headers);
  }

  override toJSON(): ProblemDetails {
    return { ...this.members, ...super.toJSON() };
  }
}
