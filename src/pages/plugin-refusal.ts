/** A 4xx from the agent-auth plugin or our approval policy, as the pages explain it. */
export interface PluginRefusal {
  readonly status: number;
  /** The plugin's stable code, e.g. `fresh_session_required`, `not_the_addressee`. */
  readonly error: string;
  readonly message: string;
}

/** A 4xx from the plugin or our approval policy (`{ error, message }`), else null (a real failure: let it reach the error handler). */
export function pluginRefusal(error: unknown): PluginRefusal | null {
  const candidate = error as { statusCode?: unknown; body?: { error?: unknown; message?: unknown } } | null;
  if (typeof candidate?.statusCode !== "number" || candidate.statusCode < 400 || candidate.statusCode >= 500) return null;
  return {
    status: candidate.statusCode,
    error: typeof candidate.body?.error === "string" ? candidate.body.error : "refused",
    message: typeof candidate.body?.message === "string" ? candidate.body.message : "The request was refused.",
  };
}
