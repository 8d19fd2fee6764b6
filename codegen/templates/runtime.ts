/*
 * The spec-independent half of the generated router: request parsing,
 * validation plumbing, problem+json errors and response writing. The
 * generator copies this file verbatim into the output directory as
 * `runtime.ts`, and the modules of `runtime/` beside it as `runtime/`, so
 * generated code depends on libraries only, never on `src/`.
 *
 * This file is the entry: it only re-exports, so `routes.ts`, the validators'
 * declarations and the application import `./runtime.js` whatever module a
 * name lives in.
 * - `runtime/problem.ts`: field errors, problem codes (the contract's closed set), `HttpProblem`
 * - `runtime/operation.ts`: operation metadata, route definitions, handler input and results
 * - `runtime/request-input.ts`: body parsers, media types, parameter and body validation
 * - `runtime/response.ts`: results, JSON and problem+json written onto a response
 * - `runtime/router.ts`: `buildRouter`, the Express middleware
 * - `runtime/dispatcher.ts`: `buildDispatcher`, operations run without HTTP
 */
export {
  ResponseContractError,
  type ResponseValidation,
  type ResponseValidatorTable,
  type ResponseViolation,
} from "./response-validation.js";
export { buildDispatcher, type DispatcherOptions, type OperationCall, type OperationDispatcher } from "./runtime/dispatcher.js";
export type {
  BodyKind,
  HandlerResult,
  MediaMeta,
  OperationMeta,
  RawInput,
  RouteDefinition,
  StatusRange,
  ValidateFunction,
  WithDefaults,
} from "./runtime/operation.js";
export {
  type FieldError,
  HttpProblem,
  isProblemCode,
  type ProblemCode,
  type ProblemDetails,
  problemCodes,
  withProtocolFields,
} from "./runtime/problem.js";
export { mediaKindOf, toFieldErrors } from "./runtime/request-input.js";
export { sendProblem } from "./runtime/response.js";
export { buildRouter, defaultContext, type RequestContext, type RouterOptions } from "./runtime/router.js";
