import { type Logger, pino } from "pino";

export type { Logger };

/** Structured JSON logs on stdout (pino); one logger per process. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "commerce-api" } });
}
