import { createAuthMiddleware } from "better-auth/api";
import { decodeJwt } from "jose";
import type { Kysely } from "kysely";
import type { Database } from "../../../db/schema.js";
import { merchantGrantExpiry } from "../../limits/grant-expiry.js";
import { BATCH_EXECUTE_PATH } from "../batch-refusals.js";
import { refusal } from "./refusal.js";

const EXECUTE_PATHS: ReadonlySet<string> = new Set(["/capability/execute", BATCH_EXECUTE_PATH]);

/**
 * The plugin's execute routes (what still reaches them: batch execute,
 * lapsed agents, body-bound tokens) grant a host default on the spot, even
 * one whose grant has expired, and with no TTL once the merchant's expiry
 * has passed. So once the grant expiry the merchant set for an agent has
 * passed, its calls there are refused before the plugin runs (our fast path
 * applies the same rule in host-default-grant.ts). The token is only decoded
 * here, to find the agent: a forged one is refused either way.
 */
export function merchantExpiryGuard(db: Kysely<Database>) {
  return {
    matcher: (ctx: { path?: string }) => EXECUTE_PATHS.has(ctx.path ?? ""),
    handler: createAuthMiddleware(async (ctx) => {
      const agentId = agentOf(ctx.headers?.get("authorization") ?? "");
      if (!agentId) return;
      const expiry = await merchantGrantExpiry(db, agentId);
      if (expiry && expiry.getTime() <= Date.now()) {
        throw refusal(
          "capability_not_granted",
          `The merchant's grant expiry for this agent passed at ${expiry.toISOString()}; ask the merchant to approve it again.`,
        );
      }
    }),
  };
}

function agentOf(authorization: string): string | undefined {
  const token = /^Bearer\s+(\S+\.\S+\.\S+)$/i.exec(authorization)?.[1];
  if (!token) return undefined;
  try {
    const subject = decodeJwt(token).sub;
    return typeof subject === "string" && subject !== "" ? subject : undefined;
  } catch {
    return undefined;
  }
}
