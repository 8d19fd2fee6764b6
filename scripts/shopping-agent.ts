/**
 * An example agent that shops through the generated SDK only:
 * discover → connect (reads + cart + order) → show the merchant's approval
 * link → browse while waiting (when the host is already trusted) → wait →
 * create a cart, add an item, place the order → print it.
 *
 *   npx tsx scripts/shopping-agent.ts [--base-url http://localhost:3005] [--identity .data/shopping-agent.json] [--new-agent]
 *
 * The identity file keeps the host and agent keys (mode 0600): run it again
 * and the same host is recognized; once a merchant approved it, later agents
 * browse at once and only wait for the cart and order capabilities.
 * `--new-agent` registers a new agent under the same host (e.g. after the
 * merchant denied the stored one: a denial stands for that agent).
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import {
  AgentAuthError,
  type AgentConnection,
  AgentServerError,
  ApprovalDeniedError,
  ApprovalExpiredError,
  type ApprovalInfo,
  type CapabilityName,
  type components,
  connectAgent,
  discoverAgentAuth,
  FileIdentityStorage,
  forgetAgent,
} from "../generated/sdk/index.js";

type Product = components["schemas"]["Product"];

const CAPABILITIES: CapabilityName[] = ["listProducts", "getProduct", "createCart", "addCartItem", "placeOrder"];

const { values } = parseArgs({
  options: {
    "base-url": { type: "string", default: "http://localhost:3005" },
    identity: { type: "string", default: ".data/shopping-agent.json" },
    "new-agent": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log("Usage: npx tsx scripts/shopping-agent.ts [--base-url URL] [--identity FILE] [--new-agent]");
  process.exit(0);
}
const baseUrl = values["base-url"];
const identityFile = values.identity;

// Ctrl-C stops the approval wait cleanly instead of killing a request halfway.
const controller = new AbortController();
process.once("SIGINT", () => controller.abort(new Error("interrupted")));

function showApproval(approval: ApprovalInfo): void {
  console.log("");
  console.log("  A merchant must approve this agent.");
  if (approval.method === "ciba") {
    // CIBA carries no link and no code: the request waits in the merchant's inbox.
    console.log(`  Asked in the merchant's approvals inbox: ${new URL("/agents/approvals", baseUrl)}`);
  } else {
    if (approval.verification_uri_complete) console.log(`  Open:  ${approval.verification_uri_complete}`);
    else if (approval.verification_uri) console.log(`  Open:  ${approval.verification_uri}`);
    if (approval.user_code) console.log(`  Code:  ${approval.user_code}`);
    else console.log("  (the same request as before: use the link and code shown then)");
  }
  console.log(`  Valid for ${Math.round(approval.expires_in / 60)} min; checking every ${approval.interval} s.`);
  console.log("");
}

function money({ amount, currency }: { amount: number; currency: string }): string {
  return `${(amount / 100).toFixed(2)} ${currency}`;
}

/** A failed API call as one line: the problem's code and detail. */
function describeProblem(what: string, response: Response, error: unknown): Error {
  const problem = (error ?? {}) as { code?: string; detail?: string; title?: string };
  return new Error(`${what} failed: HTTP ${response.status} ${problem.code ?? ""} ${problem.detail ?? problem.title ?? ""}`.trim());
}

async function browse(agent: AgentConnection): Promise<Product[]> {
  const { data, error, response } = await agent.client.GET("/v1/products", { params: { query: { limit: 10 } } });
  if (!data) throw describeProblem("Listing products", response, error);
  console.log(`Products (${data.data.length}):`);
  for (const product of data.data) {
    console.log(`  ${product.sku.padEnd(14)} ${product.name.padEnd(30)} ${money(product.price).padStart(12)}  stock ${product.inventory}`);
  }
  return data.data;
}

async function main(): Promise<void> {
  console.log(`Discovering ${baseUrl} ...`);
  const configuration = await discoverAgentAuth(baseUrl, { signal: controller.signal });
  console.log(`  ${configuration.provider_name ?? "Agent Auth provider"} (issuer ${configuration.issuer})`);

  const storage = new FileIdentityStorage(identityFile);
  if (values["new-agent"]) await forgetAgent(storage);
  const agent = await connectAgent({
    baseUrl,
    configuration,
    name: "Shopping agent",
    hostName: `shopping-agent on ${hostname()}`,
    capabilities: CAPABILITIES,
    storage,
    reason: "Browse the catalog and place an order",
    wait: false,
    signal: controller.signal,
    onApproval: showApproval,
  });
  const { registration } = agent;
  console.log(`Agent ${registration.agentId} (${registration.status}); identity in ${storage.path}`);
  if (registration.granted.length > 0) console.log(`  granted: ${registration.granted.join(", ")}`);
  if (registration.pending.length > 0) console.log(`  awaiting approval: ${registration.pending.join(", ")}`);

  let products: Product[] | undefined;
  if (registration.granted.includes("listProducts")) {
    // Trusted host: reads work before the merchant decides on the rest.
    products = await browse(agent);
  } else if (!agent.ready) {
    console.log("New host: nothing works until the merchant approves it.");
  }

  if (!agent.ready) {
    process.stdout.write("Waiting for the merchant");
    await agent.waitForApproval({ signal: controller.signal, onPoll: () => process.stdout.write(".") });
    console.log(" approved.");
  }
  products ??= await browse(agent);

  const candidate = products.find((product) => product.status === "active" && product.inventory > 0);
  if (!candidate) throw new Error("No product in stock to buy.");
  const product = await agent.client.GET("/v1/products/{product_id}", { params: { path: { product_id: candidate.id } } });
  if (!product.data) throw describeProblem("Reading the product", product.response, product.error);
  console.log(`Buying 1 × ${product.data.name} (${money(product.data.price)})`);

  const cart = await agent.client.POST("/v1/carts", { body: { currency: product.data.price.currency } });
  if (!cart.data) throw describeProblem("Creating a cart", cart.response, cart.error);
  const item = await agent.client.POST("/v1/carts/{cart_id}/items", {
    params: { path: { cart_id: cart.data.id } },
    body: { product_id: product.data.id, quantity: 1 },
  });
  if (!item.data) throw describeProblem("Adding the item", item.response, item.error);

  // One key per intended order: a retry of this request would return the same order, not a second one.
  const idempotencyKey = randomUUID();
  const order = await agent.client.POST("/v1/orders", {
    params: { header: { "Idempotency-Key": idempotencyKey } },
    body: { cart_id: cart.data.id },
  });
  if (!order.data) throw describeProblem("Placing the order", order.response, order.error);
  console.log("Order placed:");
  console.log(JSON.stringify(order.data, null, 2));
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  if (controller.signal.aborted) {
    console.error("\nInterrupted.");
    process.exitCode = 130;
  } else if (error instanceof ApprovalDeniedError) {
    console.error(`\nThe merchant said no: ${error.message}. Run with --new-agent to ask again.`);
  } else if (error instanceof ApprovalExpiredError) {
    console.error(`\nNo decision in time: ${error.message}. Run again for a new code.`);
  } else if (error instanceof AgentServerError) {
    console.error(`\nThe server refused: ${error.code} (HTTP ${error.status}): ${error.message}`);
  } else if (error instanceof AgentAuthError) {
    console.error(`\n${error.code}: ${error.message}`);
  } else {
    console.error(`\n${error instanceof Error ? error.message : String(error)}`);
  }
}
