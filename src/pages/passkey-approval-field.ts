import type { PluginRefusal } from "./plugin-refusal.js";

/** Longer than any assertion a browser makes (a few hundred bytes of base64url); the form limit caps it anyway. */
const MAX_ASSERTION_LENGTH = 8_000;

/**
 * The `webauthn_response` hidden field passkeys.js fills (a JSON assertion),
 * as the approval body field of the same name; nothing when it is empty or
 * not a JSON object (the approval then asks for a passkey and is refused).
 */
export function passkeyAssertionField(form: Record<string, unknown>): { webauthn_response?: Record<string, unknown> } {
  const raw = form.webauthn_response;
  if (typeof raw !== "string" || raw.length === 0 || raw.length > MAX_ASSERTION_LENGTH) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? { webauthn_response: parsed as Record<string, unknown> } : {};
  } catch {
    return {};
  }
}

/** What an approval page says when the passkey gate refused; null for any other refusal. */
export function passkeyRefusalText(refusal: PluginRefusal): string | null {
  switch (refusal.error) {
    case "webauthn_not_enrolled":
      return refusal.message;
    case "webauthn_required":
      return "This approval must be confirmed with your passkey, which needs JavaScript in this browser. Reload the page and approve again.";
    case "webauthn_verification_failed":
      return `Your passkey did not confirm the approval: ${refusal.message} Nothing was approved.`;
    default:
      return null;
  }
}
