import type { Request } from "express";
import { isCapabilityName } from "../../generated/capabilities.js";

/**
 * The outcome of a form POST, carried through its 303 redirect as a fixed
 * code plus ids, never as free text: a crafted link cannot make our page
 * announce words of someone else's choosing. The page turns the code into
 * its own sentence, naming the agent only when it belongs to the viewer.
 */
export type NoticeCode = "agent-revoked" | "capability-revoked" | "approved" | "denied" | "limits-set";

const CODES: ReadonlySet<string> = new Set<NoticeCode>(["agent-revoked", "capability-revoked", "approved", "denied", "limits-set"]);

export interface Notice {
  readonly code: NoticeCode;
  readonly agentId: string | undefined;
  /** A capability of this API (anything else is dropped). */
  readonly capability: string | undefined;
}

/** `path?notice=…&agent=…[&capability=…]`. */
export function noticeLocation(path: string, code: NoticeCode, agentId: string, capability?: string): string {
  const query = new URLSearchParams({ notice: code, agent: agentId });
  if (capability) query.set("capability", capability);
  return `${path}?${query.toString()}`;
}

/** The notice a page was redirected with, if any. */
export function readNotice(req: Request): Notice | undefined {
  const { notice, agent, capability } = req.query;
  if (typeof notice !== "string" || !CODES.has(notice)) return undefined;
  return {
    code: notice as NoticeCode,
    agentId: typeof agent === "string" && agent.length > 0 && agent.length <= 128 ? agent : undefined,
    capability: typeof capability === "string" && isCapabilityName(capability) ? capability : undefined,
  };
}

/** The sentence for a notice; `agentName` is null when the agent is not the viewer's (then it is not named). */
export function noticeText(notice: Notice, agentName: string | null): string {
  const agent = agentName ? `“${agentName}”` : "The agent";
  switch (notice.code) {
    case "agent-revoked":
      return `${agent} was revoked: its next request is refused, and its capabilities are gone.`;
    case "capability-revoked":
      return `${notice.capability ?? "The capability"} was revoked from ${agentName ? agent : "the agent"}: its next call to that operation is refused.`;
    case "approved":
      return `Approved: ${agentName ? agent : "the agent"} can now use the capabilities you selected.`;
    case "denied":
      return `Denied: ${agentName ? agent : "the agent"} got nothing new.`;
    case "limits-set":
      return `The limits of ${agentName ? agent : "the agent"} were saved: they count from its next call.`;
  }
}

/**
 * Outcomes of the console's own forms (store switcher, API keys), carried
 * the same way: a fixed code in the query of the 303, the page's own
 * sentence. They name nothing, so they need no ids.
 */
export type AccountNoticeCode =
  | "store-switched"
  | "not-a-member"
  | "key-created"
  | "key-revoked"
  | "key-missing"
  | "key-name-needed"
  | "key-scope-needed";

const ACCOUNT_NOTICES: Readonly<Record<AccountNoticeCode, { readonly text: string; readonly kind: "ok" | "error" }>> = {
  "store-switched": { text: "Switched store: the console now works in this store.", kind: "ok" },
  "not-a-member": { text: "You are not a member of that store, so the store was not changed.", kind: "error" },
  "key-created": { text: "The API key was created.", kind: "ok" },
  "key-revoked": { text: "The API key was revoked: its next request is refused.", kind: "ok" },
  "key-missing": { text: "That API key no longer exists (it may have been revoked already). Nothing was changed.", kind: "error" },
  "key-name-needed": { text: "Give the key a name (1 to 64 characters) so you can recognize it later. No key was created.", kind: "error" },
  "key-scope-needed": { text: "Choose at least one scope for the key. No key was created.", kind: "error" },
};

/** `path?notice=…` for one of the console's outcomes. */
export function accountNoticeLocation(path: string, code: AccountNoticeCode): string {
  return `${path}?${new URLSearchParams({ notice: code }).toString()}`;
}

/** The console outcome a page was redirected with, as its sentence; undefined for anything else. */
export function readAccountNotice(req: Request): { readonly text: string; readonly kind: "ok" | "error" } | undefined {
  const { notice } = req.query;
  return typeof notice === "string" && Object.hasOwn(ACCOUNT_NOTICES, notice) ? ACCOUNT_NOTICES[notice as AccountNoticeCode] : undefined;
}
