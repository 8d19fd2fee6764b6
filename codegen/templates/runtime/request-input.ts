/*
 * From a request to a handler's input: body parsers by media kind, the
 * declared media type a body matches, parameter and body validation (Ajv
 * coerces and fills defaults in place) and the field errors of a 400.
 */
import express, { type Request, type RequestHandler } from "express";
import type { BodyKind, MediaMeta, RawInput, RouteDefinition, ValidationErrorObject } from "./operation.js";
import { type FieldError, HttpProblem } from "./problem.js";

/** Validates and coerces path, query and header parameters in place; field errors by request location. */
export function validateParameters<TContext>(route: RouteDefinition<TContext>, input: RawInput): FieldError[] {
  if (!route.validateParameters || route.validateParameters(input)) return [];
  return toFieldErrors(route.validateParameters.errors, "").map(toRequestLocation);
}

export function throwIfInvalid(errors: readonly FieldError[]): void {
  if (errors.length > 0)
    throw new HttpProblem(400, "validation_failed", "Invalid request", `${errors.length} invalid field(s)`, [...errors]);
}

/** Checks presence and media type of the body, then validates it; returns the (coerced) body. */
export function readBody<TContext>(req: Request, route: RouteDefinition<TContext>, errors: FieldError[]): unknown {
  const declared = route.operation.requestBody;
  if (!declared) return undefined;
  if (!hasBody(req)) {
    if (declared.required) errors.push({ pointer: "/body", detail: "request body is required", code: "required" });
    return undefined;
  }
  const media = matchMedia(req.headers["content-type"], declared.media);
  if (!media || media.kind === "unsupported") {
    const accepted = declared.media.filter((item) => item.kind !== "unsupported").map((item) => item.contentType);
    throw new HttpProblem(415, "unsupported_media_type", "Unsupported media type", `Send one of: ${accepted.join(", ")}`, undefined, {
      "Accept-Post": accepted.join(", "),
    });
  }
  const body: unknown = req.body;
  const validate = route.validateBody[media.kind];
  // Ajv coerces and fills defaults in place, so `body` is the validated value afterwards.
  if (validate && !validate(body)) errors.push(...toFieldErrors(validate.errors, "/body"));
  return body;
}

function hasBody(req: Request): boolean {
  return req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0";
}

function essence(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/** Finds the declared media type a request's Content-Type matches (exact, `type/*` or `*\/*`). */
function matchMedia(header: string | undefined, media: readonly MediaMeta[]): MediaMeta | undefined {
  if (!header) return undefined;
  const actual = essence(header);
  const [actualType] = actual.split("/");
  return (
    media.find((item) => essence(item.contentType) === actual) ??
    media.find((item) => essence(item.contentType) === `${actualType}/*`) ??
    media.find((item) => essence(item.contentType) === "*/*")
  );
}

export function pickHeaders(req: Request, names: readonly string[]): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const name of names) {
    const value = req.headers[name.toLowerCase()];
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

/** Ajv errors → field errors whose pointer names the field itself, also for missing and unknown ones. */
export function toFieldErrors(errors: readonly ValidationErrorObject[] | null | undefined, prefix: string): FieldError[] {
  return (errors ?? []).map((error) => {
    const field = error.params.missingProperty ?? error.params.additionalProperty ?? error.params.unevaluatedProperty ?? undefined;
    const suffix = typeof field === "string" ? `/${field.replace(/~/g, "~0").replace(/\//g, "~1")}` : "";
    return { pointer: `${prefix}${error.instancePath}${suffix}`, detail: describe(error), code: error.keyword };
  });
}

/** Handler input keys → the request locations clients know: `/params/id` → `/path/id`, `/headers/X-Key` → `/header/x-key`. */
function toRequestLocation(error: FieldError): FieldError {
  const [, key = "", name, ...rest] = error.pointer.split("/");
  const location = key === "params" ? "path" : key === "headers" ? "header" : key;
  const field = key === "headers" && name !== undefined ? name.toLowerCase() : name;
  return { ...error, pointer: ["", location, ...(field === undefined ? [] : [field]), ...rest].join("/") };
}

function describe(error: ValidationErrorObject): string {
  if (error.keyword === "required") return "is required";
  if (error.keyword === "additionalProperties" || error.keyword === "unevaluatedProperties") return "is not a known field";
  return error.message ?? "is invalid";
}

interface BodyParsers {
  json: RequestHandler;
  form: RequestHandler;
  text: RequestHandler;
  binary: RequestHandler;
}

/** One parser per body kind, created once per router; each only touches requests of its own kind. */
export function createBodyParsers(limit: number | string): BodyParsers {
  const kindOf = (req: { headers: { [name: string]: unknown } }): BodyKind | undefined => {
    const header = req.headers["content-type"];
    return typeof header === "string" ? mediaKindOf(header) : undefined;
  };
  return {
    json: express.json({ limit, strict: false, type: (req) => kindOf(req) === "json" }),
    form: express.urlencoded({ limit, extended: true, type: (req) => kindOf(req) === "form" }),
    text: express.text({ limit, type: (req) => kindOf(req) === "text" }),
    binary: express.raw({ limit, type: (req) => kindOf(req) === "binary" }),
  };
}

export function parsersFor(media: readonly MediaMeta[], parsers: BodyParsers): RequestHandler[] {
  const kinds = new Set(media.map((item) => item.kind));
  return (["json", "form", "text", "binary"] as const).filter((kind) => kinds.has(kind)).map((kind) => parsers[kind]);
}

/** Same classification as the generator's: structured `+json` suffixes are JSON. */
export function mediaKindOf(contentType: string): BodyKind {
  const type = essence(contentType);
  if (type === "application/json" || type.endsWith("+json")) return "json";
  if (type === "application/x-www-form-urlencoded") return "form";
  if (type.startsWith("multipart/")) return "unsupported";
  if (type.startsWith("text/")) return "text";
  return "binary";
}
