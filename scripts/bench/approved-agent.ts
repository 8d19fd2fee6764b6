/**
 * An agent of the demo store, registered with the SDK and approved by the
 * demo merchant over HTTP (sign-in, then the plugin's approval endpoint, as
 * the device page does), for the bench's agent cases.
 */
import { type ApprovalInfo, connectAgent, MemoryIdentityStorage } from "../../generated/sdk/index.js";
import { DEMO_EMAIL, DEMO_PASSWORD } from "../../src/app/seed-demo.js";

export interface ApprovedAgent {
  readonly agentId: string;
  readonly privateJwk: { kty: string; crv: string; x: string; d: string };
  /** The `aud` its tokens carry (discovery `issuer`). */
  readonly audience: string;
}

export async function approvedDemoAgent(baseUrl: string): Promise<ApprovedAgent> {
  const storage = new MemoryIdentityStorage();
  let approval: ApprovalInfo | undefined;
  const connection = await connectAgent({
    baseUrl,
    name: "bench agent",
    capabilities: ["listProducts", "getProduct"],
    storage,
    wait: false,
    onApproval: (info) => {
      approval = info;
    },
  });
  const signIn = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
  });
  const cookie = signIn.headers
    .getSetCookie()
    .map((item) => item.split(";")[0])
    .join("; ");
  const approved = await fetch(`${baseUrl}/api/auth/agent/approve-capability`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl, cookie },
    body: JSON.stringify({ agent_id: connection.session.agentId, action: "approve", user_code: approval?.user_code }),
  });
  if (!approved.ok) throw new Error(`approval failed: ${approved.status} ${await approved.text()}`);
  const record = await storage.load();
  return { agentId: connection.session.agentId, privateJwk: { ...record!.agent!.keys.privateJwk }, audience: connection.session.audience };
}
