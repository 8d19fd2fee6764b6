import type { RequestHandler } from "express";
import type { Logger } from "../logging/logger.js";
import { watchForExpectedAnswer } from "./expected-answers.js";

/**
 * One log line per request when it ends: method, URL, status, duration and
 * the request id, at `error` for 5xx, `warn` for 4xx, `info` otherwise, and
 * nothing at all when that level is off. A 4xx that is a protocol's normal
 * answer (a pending agent polling its status, see expected-answers.ts) is
 * logged at `info` with its code as `answer`. (pino-http did the same with a child
 * logger and serializers built for every request, even with info off; this
 * costs a closure and a timestamp.)
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const expectedAnswer = watchForExpectedAnswer(req, res);
    const done = (aborted: boolean) => {
      const status = res.statusCode;
      const answer = aborted ? undefined : expectedAnswer?.();
      const level = answer === undefined && (aborted || status >= 400) ? (status >= 500 ? "error" : "warn") : "info";
      if (!logger.isLevelEnabled(level)) return;
      const fields = {
        requestId: res.locals.requestId,
        method: req.method,
        url: req.originalUrl,
        status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...(answer ? { answer } : {}),
      };
      logger[level](fields, aborted ? "request aborted" : "request completed");
    };
    // One listener: Node emits "close" after every response, finished or not; writableFinished tells which.
    // `on`, not `once`: "close" comes once per response anyway, and `once` costs a wrapper and a removal per request.
    res.on("close", () => done(!res.writableFinished));
    next();
  };
}
