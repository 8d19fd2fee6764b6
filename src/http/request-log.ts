import type { RequestHandler } from "express";
import type { Logger } from "../logging/logger.js";

/**
 * One log line per request when it ends: method, URL, status, duration and
 * the request id, at `error` for 5xx, `warn` for 4xx, `info` otherwise, and
 * nothing at all when that level is off. (pino-http did the same with a child
 * logger and serializers built for every request, even with info off; this
 * costs a closure and a timestamp.)
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const done = (aborted: boolean) => {
      const status = res.statusCode;
      const level = aborted || status >= 400 ? (status >= 500 ? "error" : "warn") : "info";
      if (!logger.isLevelEnabled(level)) return;
      const fields = { requestId: res.locals.requestId, method: req.method, url: req.originalUrl, status, ms: Math.round((performance.now() - started) * 10) / 10 };
      logger[level](fields, aborted ? "request aborted" : "request completed");
    };
    // One listener: Node emits "close" after every response, finished or not; writableFinished tells which.
    res.once("close", () => done(!res.writableFinished));
    next();
  };
}
