import type { Kysely } from "kysely";
import type { ChangeSignal } from "../auth/auth-state-signal.js";
import type { Auth } from "../auth/create-auth.js";
import type { Database } from "../db/schema.js";
import type { CsrfGuard } from "./csrf.js";

/** What the pages that decide about agents (device page, inbox, connected agents) are built from. */
export interface AgentPageDependencies {
  readonly auth: Auth;
  readonly db: Kysely<Database>;
  readonly csrf: CsrfGuard;
  /** Told when a decision or a revocation changes an agent, so the agent caches forget it. */
  readonly authStateChanges: ChangeSignal;
}
