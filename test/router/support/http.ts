/*
 * Small fetch helpers and the checks every problem+json response must pass.
 */
import { expect } from "vitest";
import type { ProblemDetails } from "../../../codegen/templates/runtime.js";

export function sendJson(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** Sends `text` as the body verbatim, with the given Content-Type (none when undefined). */
export function sendRaw(baseUrl: string, method: string, path: string, text: string, contentType: string | undefined): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: contentType === undefined ? {} : { "content-type": contentType },
    // A Uint8Array body makes fetch add no Content-Type of its own.
    body: new TextEncoder().encode(text),
  });
}

/**
 * Asserts the response is an RFC 9457 problem with this status and code,
 * consistent with itself (`status` member, `type` from the code), and returns it.
 */
export async function expectProblem(response: Response, status: number, code: string): Promise<ProblemDetails> {
  const text = await response.text();
  expect({ status: response.status, contentType: response.headers.get("content-type"), text }).toMatchObject({
    status,
    contentType: expect.stringMatching(/^application\/problem\+json(;|$)/),
  });
  const problem = JSON.parse(text) as ProblemDetails;
  expect(problem).toMatchObject({ status, code, type: `/problems/${code}`, title: expect.any(String) });
  return problem;
}

/** The pointers of a problem's `errors`, sorted, for order-independent comparison. */
export function pointersOf(problem: ProblemDetails): string[] {
  return (problem.errors ?? []).map((error) => error.pointer).sort();
}
