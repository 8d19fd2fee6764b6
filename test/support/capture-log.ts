import { pino } from "pino";
import type { Logger } from "../../src/logging/logger.js";

/** A real pino logger whose JSON lines are kept in memory for assertions. */
export function captureLog(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}
