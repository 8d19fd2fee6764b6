/*
 * Response validation for test servers: every /v1 answer (and every result
 * capability/execute gets from the dispatcher) is checked against the
 * contract with the generated validators. A violation is printed at once,
 * answered with a 500, and fails the test file when its server closes, so a
 * test that never looks at the status still cannot pass over it.
 */
import type { ResponseValidation, ResponseViolation } from "../../generated/routes.js";
import { responseValidators } from "../../generated/validators/responses.js";

export interface ContractCheck {
  /** Pass as `validateResponses` to createRouter or createServices. */
  readonly validation: ResponseValidation;
  /** Every violation so far; a test that provokes one on purpose takes it out (`splice`). */
  readonly violations: ResponseViolation[];
  /** Throws listing every violation left. */
  assertNone(): void;
}

export function contractCheck(): ContractCheck {
  const violations: ResponseViolation[] = [];
  return {
    validation: {
      validators: responseValidators,
      onViolation: (violation) => {
        violations.push(violation);
        console.error(`response breaks the contract: ${describeViolation(violation)}`);
      },
    },
    violations,
    assertNone() {
      if (violations.length === 0) return;
      throw new Error(
        `${violations.length} response(s) broke the contract:\n${violations.map((violation) => `  ${describeViolation(violation)}`).join("\n")}`,
      );
    },
  };
}

export function describeViolation(violation: ResponseViolation): string {
  return `${violation.method} ${violation.path} (${violation.operationId}) → ${violation.status}: ${violation.problems.join("; ")}`;
}
