// @ts-check
// node agent-quickstart.mjs [http://localhost:3005]   (after `npm install <the tarball of npm run sdk:pack>`)
import {
  AgentAuthError,
  AgentServerError,
  ApprovalDeniedError,
  ApprovalExpiredError,
  connectAgent,
  FileIdentityStorage,
} from "commerce-api-sdk";

const baseUrl = process.argv[2] ?? "http://localhost:3005";

/** @param {import("commerce-api-sdk").ApprovalInfo} approval what the merchant must do */
function showApproval(approval) {
  const minutes = Math.round(approval.expires_in / 60);
  if (approval.method === "ciba") {
    // CIBA: no link, no code; the request waits in the merchant's inbox.
    console.log(`Asked the merchant in their approvals inbox (${baseUrl}/agents/approvals), valid ${minutes} min`);
  } else if (approval.user_code) {
    console.log(`Ask the merchant to open ${approval.verification_uri_complete} (code ${approval.user_code}), valid ${minutes} min`);
  } else {
    console.log(`Still waiting for the approval requested earlier (link and code as shown then), valid ${minutes} min`);
  }
}

try {
  const agent = await connectAgent({
    baseUrl,
    name: "Quickstart agent",
    capabilities: ["listProducts", "createCart", "addCartItem"],
    storage: new FileIdentityStorage(".data/agent.json"), // Ed25519 keys, mode 0600
    preferredMethod: "ciba", // a host the merchant already approved is asked in the inbox; a new one gets a link and code
    onApproval: showApproval,
  }); // waits for the merchant's decision
  const { data, error, response } = await agent.client.GET("/v1/products", { params: { query: { limit: 5 } } });
  if (!data) throw new Error(`listing products failed: HTTP ${response.status} ${error?.code}`);
  for (const product of data.data) console.log(`${product.name}: ${product.price.amount / 100} ${product.price.currency}`);
} catch (error) {
  process.exitCode = 1;
  if (error instanceof ApprovalExpiredError) console.error(`No decision in time on ${error.pendingCapabilities.join(", ")}: run again.`);
  else if (error instanceof ApprovalDeniedError) console.error(`The merchant said no: ${error.message}.`);
  else if (error instanceof AgentServerError) console.error(`The server refused: ${error.code} (HTTP ${error.status}) ${error.message}`);
  else if (error instanceof AgentAuthError) console.error(`${error.code}: ${error.message}`);
  else console.error(error instanceof Error ? error.message : error);
}
