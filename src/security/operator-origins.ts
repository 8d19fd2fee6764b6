/** Outbound destinations the operator configured, as the settings that name them. */
export interface OperatorDestinations {
  /** AGENT_APPROVAL_WEBHOOK_URL. */
  readonly approvalWebhookUrl?: string | undefined;
  /** Where `capability/execute` runs operations: API_PUBLIC_URL in proxy mode. */
  readonly execution?: { readonly kind: "in-process" } | { readonly kind: "proxy"; readonly apiUrl: string } | undefined;
}

/**
 * The URLs the server itself is configured to call, for the outbound guard's
 * allow list: they are chosen by whoever runs the server, not by a caller,
 * and often sit on a private network or this machine (a relay next to the
 * app, the API behind the same proxy). Nothing a request carries gets here.
 */
export function operatorOrigins(destinations: OperatorDestinations): string[] {
  const urls: string[] = [];
  if (destinations.approvalWebhookUrl) urls.push(destinations.approvalWebhookUrl);
  if (destinations.execution?.kind === "proxy") urls.push(destinations.execution.apiUrl);
  return urls;
}
