import type { Request, Response } from "express";

/**
 * 4xx answers that are a protocol's normal flow, not a client's mistake: the
 * request log writes them at info, with their code, instead of warning.
 *
 * The Agent Auth plugin answers `GET agent/status` for an agent that is not
 * active with 403 and the agent's state as the code (its error codes, checked
 * in @better-auth/agent-auth 0.6.2: `agent_pending`, `agent_rejected`,
 * `agent_revoked`, `agent_claimed`); the SDK reads them as states. A pending
 * agent polls every 5 s until a merchant decides, which filled the log with a
 * warning per poll. Any other 403 there (and every 401) stays a warning.
 */
interface ExpectedAnswer {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly codes: ReadonlySet<string>;
}

const EXPECTED_ANSWERS: readonly ExpectedAnswer[] = [
  {
    method: "GET",
    path: "/api/auth/agent/status",
    status: 403,
    codes: new Set(["agent_pending", "agent_rejected", "agent_revoked", "agent_claimed"]),
  },
];

/** The codes sit at the start of a small JSON body: no need to keep more of it. */
const KEPT_BYTES = 512;

/**
 * For a request whose route has expected answers, keeps the first bytes of
 * the response body and returns a function telling, once the response is
 * done, the expected code it carried (`undefined` otherwise). Other requests
 * are left alone: `undefined`, nothing wrapped.
 */
export function watchForExpectedAnswer(req: Request, res: Response): (() => string | undefined) | undefined {
  const rule = EXPECTED_ANSWERS.find((candidate) => candidate.method === req.method && candidate.path === req.path);
  if (!rule) return undefined;
  const kept: Buffer[] = [];
  let keptBytes = 0;
  const keep = (chunk: unknown, encoding: unknown) => {
    if (keptBytes >= KEPT_BYTES || chunk === undefined || chunk === null || typeof chunk === "function") return;
    const buffer =
      typeof chunk === "string"
        ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8")
        : Buffer.from(chunk as Uint8Array);
    kept.push(buffer);
    keptBytes += buffer.length;
  };
  const write = res.write;
  const end = res.end;
  res.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Response["write"];
  res.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (end as (...args: unknown[]) => Response).call(this, chunk, ...rest);
  } as Response["end"];
  return () => {
    if (res.statusCode !== rule.status) return undefined;
    const code = errorCode(Buffer.concat(kept).subarray(0, KEPT_BYTES).toString("utf8"));
    return code !== undefined && rule.codes.has(code) ? code : undefined;
  };
}

/** `error` (Better Auth's field) or `code` (problem+json) of a JSON body, if it is one. */
function errorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; code?: unknown };
    const code = parsed.error ?? parsed.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}
