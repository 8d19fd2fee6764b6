/*
 * JSON over HTTP for the protocol endpoints, with one rule for errors: the
 * plugin answers `{ error, message }` (sometimes with HTTP 200, see
 * STACK-NOTES), our API answers problem+json `{ type, title, status, detail,
 * code }`. Either one, or a non-2xx status, becomes an `AgentServerError`;
 * a failure to connect becomes an `AgentNetworkError`.
 */
import { AgentNetworkError, AgentServerError } from "./errors.js";

export type FetchLike = typeof fetch;

export interface JsonRequest {
  readonly method: "GET" | "POST";
  readonly url: string;
  /** A JWT sent as `Authorization: Bearer`. */
  readonly bearer?: string;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  readonly fetch?: FetchLike;
}

/** Sends the request and returns the parsed JSON body of a successful answer. */
export async function requestJson(request: JsonRequest): Promise<unknown> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (request.bearer) headers.authorization = `Bearer ${request.bearer}`;
  if (request.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await (request.fetch ?? fetch)(request.url, {
      method: request.method,
      headers,
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (error) {
    // An abort is the caller's decision, not a network failure: let it through as is.
    if (request.signal?.aborted) throw request.signal.reason;
    throw new AgentNetworkError(request.url, error);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const failure = serverErrorOf(response, body);
  if (failure) throw failure;
  if (body === undefined) {
    throw new AgentServerError({
      status: response.status,
      code: "invalid_response",
      message: `${request.method} ${request.url}: expected a JSON body`,
    });
  }
  return body;
}

/** The error a response carries, or undefined for a success. */
export function serverErrorOf(response: Response, body: unknown): AgentServerError | undefined {
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : undefined;
  const pluginCode = typeof record?.error === "string" ? record.error : undefined;
  if (response.ok && pluginCode === undefined) return undefined;
  const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
  const base = { status: response.status, body, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  if (pluginCode !== undefined) {
    const message =
      typeof record?.message === "string"
        ? record.message
        : typeof record?.error_description === "string"
          ? record.error_description
          : pluginCode;
    return new AgentServerError({ ...base, code: pluginCode, message });
  }
  if (record && (typeof record.code === "string" || typeof record.type === "string")) {
    const code = typeof record.code === "string" ? record.code : String(record.type);
    const message = [record.title, record.detail].filter((part): part is string => typeof part === "string").join(": ") || code;
    return new AgentServerError({ ...base, code, message });
  }
  return new AgentServerError({
    ...base,
    code: `http_${response.status}`,
    message: `HTTP ${response.status} ${response.statusText}`.trim(),
  });
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}
