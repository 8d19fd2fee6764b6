/** A JSON text column of the plugin's tables (or an already-parsed value, as some drivers return), parsed; null when absent or malformed. */
export function parseJsonColumn(value: unknown): unknown {
  if (typeof value !== "string") return value ?? null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}
