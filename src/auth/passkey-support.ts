import type { Kysely } from "kysely";
import { webauthnApprovalGate } from "../agents/approvals/webauthn-approval-gate.js";
import type { Database } from "../db/schema.js";
import { passkeyManagementGuard } from "./passkey-management-guard.js";
import { createPasskeyPlugin, relyingPartyOf } from "./passkey-plugin.js";
import { PasskeyProofs } from "./passkey-proof.js";

/**
 * Everything passkeys add to Better Auth, in the order it must run: the
 * passkey plugin (registration, the `passkey` table), the rules on changing
 * one's passkeys, and the gate that makes `webauthn` capabilities need a
 * passkey assertion. Placed after the approval policy: a caller first has to
 * be someone who may decide the request at all (code, addressee, role)
 * before a passkey challenge is issued.
 */
export function passkeySupport(db: Kysely<Database>, baseUrl: string) {
  const relyingParty = relyingPartyOf(baseUrl);
  const proofs = new PasskeyProofs(db, relyingParty);
  return [createPasskeyPlugin(relyingParty), passkeyManagementGuard(proofs), webauthnApprovalGate(db, proofs)] as const;
}
