import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
  verifyAuthenticationResponse,
} from "@simplewebauthn/server";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import type { RelyingParty } from "./passkey-plugin.js";
import { hasPasskey } from "./user-passkeys.js";

/**
 * A passkey assertion as proof that the signed-in user is present, for one
 * purpose (approving one agent's request, changing one's passkeys) and one
 * scope (e.g. the capabilities shown when the challenge was made).
 *
 * Challenges live in Better Auth's verification store, not in process memory:
 * any instance can check the assertion, and consuming a challenge is atomic,
 * so one assertion is accepted once. One live challenge per user and purpose;
 * asking again replaces it.
 */

/** How long a challenge stays valid: enough for one ceremony, not for a walk away. */
const CHALLENGE_TTL_MS = 120_000;

/** Better Auth's verification values (its `internalAdapter`), as far as challenges need them. */
export interface ChallengeStore {
  createVerificationValue(data: { identifier: string; value: string; expiresAt: Date }): Promise<unknown>;
  consumeVerificationValue(identifier: string): Promise<{ value: string } | null>;
}

export interface ProofRequest {
  readonly userId: string;
  /** What the assertion is for, e.g. `approve:<agent id>`; a proof made for one purpose is no use for another. */
  readonly purpose: string;
  /** What the user was shown (capability names…); the verifying side decides what it must cover. */
  readonly scope: readonly string[];
}

export type ProofOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export class PasskeyProofs {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly relyingParty: RelyingParty,
  ) {}

  /** Whether the user has registered at least one passkey. */
  hasPasskey(userId: string): Promise<boolean> {
    return hasPasskey(this.db, userId);
  }

  /** Options for `navigator.credentials.get`, limited to the user's passkeys and requiring user verification. */
  async challenge(store: ChallengeStore, request: ProofRequest): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const passkeys = await this.passkeysOf(request.userId);
    const options = await generateAuthenticationOptions({
      rpID: this.relyingParty.rpId,
      allowCredentials: passkeys.map((passkey) => ({ id: passkey.credentialID, ...transportsOf(passkey.transports) })),
      userVerification: "required",
    });
    await store.createVerificationValue({
      identifier: identifierOf(request),
      value: JSON.stringify({ challenge: options.challenge, scope: [...request.scope] }),
      expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS),
    });
    return options;
  }

  /**
   * Checks an assertion against the user's live challenge for the purpose
   * (consumed whatever the outcome) and one of the user's own passkeys, with
   * user verification, our origin and RP ID. `covers` receives the scope the
   * challenge was made for.
   */
  async verify(
    store: ChallengeStore,
    request: Omit<ProofRequest, "scope">,
    response: unknown,
    covers: (scope: readonly string[]) => boolean,
  ): Promise<ProofOutcome> {
    if (!isAssertion(response)) return refused("The passkey response is malformed.");
    const stored = await store.consumeVerificationValue(identifierOf(request));
    if (!stored) return refused("The passkey challenge expired or was already used. Try again.");
    const { challenge, scope } = JSON.parse(stored.value) as { challenge: string; scope: string[] };
    if (!covers(scope)) return refused("The passkey confirmed a different selection than the one submitted. Try again.");
    const passkey = (await this.passkeysOf(request.userId)).find((candidate) => candidate.credentialID === response.id);
    if (!passkey) return refused("That passkey is not one of yours.");
    try {
      const verification = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.relyingParty.origin,
        expectedRPID: this.relyingParty.rpId,
        credential: {
          id: passkey.credentialID,
          publicKey: new Uint8Array(Buffer.from(passkey.publicKey, "base64")),
          counter: passkey.counter,
          ...transportsOf(passkey.transports),
        },
        requireUserVerification: true,
      });
      if (!verification.verified) return refused("The passkey could not be verified.");
      // A counter that moves backwards is refused by the verification above (a cloned authenticator).
      await this.db
        .updateTable("passkey")
        .set({ counter: verification.authenticationInfo.newCounter })
        .where("id", "=", passkey.id)
        .execute();
      return { ok: true };
    } catch {
      // simplewebauthn throws for every mismatch (origin, RP ID, challenge, signature, no user verification).
      return refused("The passkey could not be verified.");
    }
  }

  private passkeysOf(userId: string) {
    return this.db
      .selectFrom("passkey")
      .select(["id", "credentialID", "publicKey", "counter", "transports"])
      .where("userId", "=", userId)
      .execute();
  }
}

function identifierOf(request: Pick<ProofRequest, "userId" | "purpose">): string {
  return `passkey-proof:${request.purpose}:${request.userId}`;
}

function transportsOf(transports: string | null): { transports?: AuthenticatorTransportFuture[] } {
  return transports ? { transports: transports.split(",") as AuthenticatorTransportFuture[] } : {};
}

function isAssertion(value: unknown): value is AuthenticationResponseJSON {
  const candidate = value as { id?: unknown; response?: unknown; type?: unknown } | null;
  return (
    typeof candidate?.id === "string" &&
    typeof candidate.response === "object" &&
    candidate.response !== null &&
    candidate.type === "public-key"
  );
}

function refused(reason: string): ProofOutcome {
  return { ok: false, reason };
}
