import { passkey } from "@better-auth/passkey";

/** Where WebAuthn ceremonies are bound: the RP ID (a host name) and the one origin assertions may come from. */
export interface RelyingParty {
  readonly rpId: string;
  readonly origin: string;
}

/**
 * The relying party of the configured base URL (BETTER_AUTH_URL), never of a
 * request's Host or Origin: an attacker can send any header, but a browser
 * signs the origin it really is on. Browsers refuse IP addresses as RP IDs,
 * so passkeys need a base URL with a host name (`http://localhost:3005` works).
 */
export function relyingPartyOf(baseUrl: string): RelyingParty {
  const url = new URL(baseUrl);
  return { rpId: url.hostname, origin: url.origin };
}

/**
 * Better Auth's passkey plugin: merchants register passkeys (routes under
 * /api/auth/passkey/*, the `passkey` table). `origin` is set so the plugin
 * checks registrations against our origin instead of trusting the request's
 * Origin header. Registration asks for user verification (PIN, biometrics):
 * the approvals that need a passkey require it.
 */
export function createPasskeyPlugin(relyingParty: RelyingParty) {
  return passkey({
    rpID: relyingParty.rpId,
    rpName: "Commerce API",
    origin: relyingParty.origin,
    authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
  });
}
