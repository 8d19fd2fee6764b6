import { SpecError } from "../errors.js";
import type { ParameterModel, RequestBodyModel } from "./operation-model.js";

/**
 * Names a capability's wrapped request body may take, in order: `body`,
 * or `_body` when a parameter is already named `body`.
 */
const WRAPPED_BODY_NAMES = ["body", "_body"] as const;

/** The argument a wrapped body goes under; undefined when parameters take both names. */
export function wrappedBodyArgument(parameters: readonly ParameterModel[]): string | undefined {
  return WRAPPED_BODY_NAMES.find((name) => !parameters.some((parameter) => parameter.in !== "cookie" && parameter.name === name));
}

/**
 * Problems that make an operation's flat capability arguments ambiguous:
 * arguments name parameters by name alone, so two of them (say a path and a
 * query `id`) cannot share one; and an operation with a body cannot have
 * parameters named both `body` and `_body` (its body may need one of them).
 */
export function argumentNameProblems(
  parameters: readonly ParameterModel[],
  requestBody: RequestBodyModel | undefined,
  pointer: string,
): SpecError[] {
  const problems: SpecError[] = [];
  const seen = new Map<string, string>();
  for (const parameter of parameters.filter((item) => item.in !== "cookie")) {
    const earlier = seen.get(parameter.name);
    if (earlier)
      problems.push(
        new SpecError(
          `parameters "${parameter.name}" in ${earlier} and in ${parameter.in} share a name; capability arguments name parameters by name alone`,
          `${pointer}/parameters`,
        ),
      );
    else seen.set(parameter.name, parameter.in);
  }
  const carriesBody = requestBody?.media.some((media) => (media.kind === "json" || media.kind === "form") && media.schema) ?? false;
  if (carriesBody && !wrappedBodyArgument(parameters)) {
    problems.push(
      new SpecError(
        'parameters named both "body" and "_body" leave no capability argument name for the request body; rename one',
        `${pointer}/parameters`,
      ),
    );
  }
  return problems;
}
