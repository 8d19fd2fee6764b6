/** What the addressed user is told about a CIBA request. */
export interface ApprovalNotice {
  readonly approvalId: string;
  readonly method: "ciba";
  readonly userId: string;
  readonly userEmail: string | null;
  readonly agentId: string;
  readonly agentName: string;
  readonly hostName: string | null;
  readonly capabilities: readonly { readonly name: string; readonly summary: string }[];
  readonly bindingMessage: string | null;
  readonly expiresAt: string;
  /** Where to decide: the approvals inbox. */
  readonly inboxUrl: string;
}
