/**
 * A reason the server cannot start that the operator can fix: the message says
 * what is wrong and what to do, in one line, and holds no secret. Anything
 * else that fails during start-up is a bug and keeps its stack trace in the
 * log (at debug) while stderr still gets one line.
 */
export class StartUpError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StartUpError";
  }
}

/** The one stderr line for a failed start-up. */
export function startUpFailureLine(error: unknown, step: string): string {
  if (error instanceof StartUpError) return `start-up failed: ${error.message}`;
  // First line only: driver messages can carry whole query texts or stack-like details.
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return `start-up failed while ${step}: ${message}`;
}
