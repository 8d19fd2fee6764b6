import type { ColumnType, Insertable, Selectable } from "kysely";

/**
 * Our tables, typed for Kysely. Every commerce row carries `organization_id`
 * (the tenant: a Better Auth organization) and every key includes it, so a
 * row can never point at another tenant's row (see the 0001 migration).
 * Money columns are bigint minor units: `pg` returns them as strings, hence
 * the select type; services convert with `toAmount`.
 */
type Money = ColumnType<string | number | bigint, number, number>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** Set once on insert; typed code cannot move a row to another tenant with an UPDATE. */
type TenantId = ColumnType<string, string, never>;

export interface ProductTable {
  organization_id: TenantId;
  id: string;
  sku: string;
  name: string;
  description: string | null;
  price_amount: Money;
  currency: string;
  inventory: number;
  status: "active" | "archived";
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface InventoryAdjustmentTable {
  organization_id: TenantId;
  id: string;
  product_id: string;
  delta: number;
  reason: string;
  note: string | null;
  created_at: CreatedAt;
}

export interface CartTable {
  organization_id: TenantId;
  id: string;
  currency: string;
  status: "open" | "ordered";
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CartItemTable {
  organization_id: TenantId;
  id: string;
  cart_id: string;
  product_id: string;
  quantity: number;
  created_at: CreatedAt;
}

export interface OrderTable {
  organization_id: TenantId;
  id: string;
  cart_id: string;
  status: "paid" | "partially_refunded" | "refunded" | "cancelled";
  currency: string;
  subtotal_amount: Money;
  total_amount: Money;
  refunded_amount: Money;
  /** The caller that placed the order (see `callerOf`); '' for rows older than migration 0002. */
  placed_by: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface OrderItemTable {
  organization_id: TenantId;
  id: string;
  order_id: string;
  product_id: string;
  sku: string;
  name: string;
  unit_price_amount: Money;
  quantity: number;
  line_total_amount: Money;
  position: number;
}

export interface RefundTable {
  organization_id: TenantId;
  id: string;
  order_id: string;
  amount: Money;
  reason: string | null;
  created_at: CreatedAt;
}

/** Merchant-set limits of one agent in one store (migration 0010); null columns: no such limit. */
export interface AgentLimitsTable {
  organization_id: TenantId;
  agent_id: string;
  /** The currency of both money limits. */
  currency: string | null;
  max_order_amount: ColumnType<string | number | bigint | null, number | null, number | null>;
  max_line_quantity: number | null;
  budget_amount: ColumnType<string | number | bigint | null, number | null, number | null>;
  /** The budget's rolling window; null: the budget counts every order ("in total"). */
  budget_window_seconds: number | null;
  grants_expire_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  /** The user who last set them. */
  updated_by: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** One budget movement: an agent's order consumed it, or a refund of that order gave part of it back. */
export interface AgentBudgetEntryTable {
  organization_id: TenantId;
  id: string;
  agent_id: string;
  order_id: string;
  /** The refund a restore comes from (cancellations record one too); null for consumptions. */
  refund_id: string | null;
  kind: "consume" | "restore";
  amount: Money;
  currency: string;
  /** When the order consumed the budget: the window a restore counts in is its order's. */
  order_consumed_at: ColumnType<Date, Date | string, never>;
  created_at: CreatedAt;
}

export interface IdempotencyKeyTable {
  organization_id: TenantId;
  /** Keys are remembered per store and caller (the contract's `Idempotency-Key`). */
  caller: string;
  key: string;
  /** New on every claim; the response is stored only while it still matches. */
  claim_token: string;
  operation_id: string;
  /** SHA-256 of the operation and its canonical input: same key + different request → 422. */
  request_hash: string;
  /** Null only inside the claiming request's transaction, before its response is stored (and in claims of the earlier, two-transaction version). */
  response_status: number | null;
  /** The JSON text first sent (text, not jsonb, so a replay keeps its key order). */
  response_body: string | null;
  created_at: CreatedAt;
  /** Moved forward when an expired or abandoned key is claimed again. */
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

/** Better Auth's API key table (api-key plugin), read by the verified-key fast path. */
export interface ApiKeyTable {
  id: string;
  referenceId: string;
  enabled: boolean | null;
  expiresAt: Date | null;
  remaining: number | null;
  rateLimitEnabled: boolean | null;
}

/** Better Auth's user table, read for the address of approval notifications. */
export interface UserTable {
  id: string;
  email: string;
  name: string;
}

/** Better Auth's member table, read for membership and role checks. */
export interface MemberTable {
  id: string;
  organizationId: string;
  userId: string;
  role: string;
  createdAt: Date;
}

/** Better Auth's organization table (stores), read for names on our pages. */
export interface OrganizationTable {
  id: string;
  name: string;
  slug: string;
}

/**
 * The agent-auth plugin's tables, as far as we read or adjust them (the
 * plugin owns and migrates them). JSON columns are text.
 */
export interface AgentTable {
  id: string;
  name: string;
  userId: string | null;
  hostId: string | null;
  status: string;
  /** "delegated" (acts for its user) or "autonomous"; ours are all delegated. */
  mode: string;
  publicKey: string;
  metadata: string | null;
  expiresAt: Date | null;
  activatedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AgentHostTable {
  id: string;
  name: string | null;
  userId: string | null;
  status: string;
  /** JSON text: the capabilities its agents get without approval (the plugin's "host budget"). */
  defaultCapabilities: string | null;
  /** JWK JSON of the host's key; null: the host cannot sign (an MCP client's host, see mcp/mcp-connections.ts). */
  publicKey: string | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AgentCapabilityGrantTable {
  id: string;
  agentId: string;
  capability: string;
  status: string;
  constraints: string | null;
  expiresAt: Date | null;
  reason: string | null;
  grantedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An MCP client's connection for one user (migration 0014): the agent its OAuth tokens act as. */
export interface McpConnectionTable {
  client_id: string;
  user_id: string;
  agent_id: string;
  created_at: CreatedAt;
}

/** The OAuth provider plugin's clients (it owns and migrates the table); the fields our pages read. */
export interface OAuthClientTable {
  id: string;
  clientId: string;
  name: string | null;
  uri: string | null;
  redirectUris: string[] | null;
  disabled: boolean | null;
}

/** The OAuth provider plugin's remembered consents: ours are never remembered (see pages/consent). */
export interface OAuthConsentTable {
  id: string;
  clientId: string;
  userId: string | null;
}

/** The OAuth provider plugin's refresh tokens: revoked with the connection they were issued for. */
export interface OAuthRefreshTokenTable {
  id: string;
  clientId: string;
  userId: string;
  revoked: Date | null;
}

export interface ApprovalRequestTable {
  id: string;
  method: string;
  agentId: string | null;
  userId: string | null;
  capabilities: string | null;
  status: string;
  userCodeHash: string | null;
  bindingMessage: string | null;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** The passkey plugin's table (@better-auth/passkey owns and migrates it): the credentials approvals are confirmed with. */
export interface PasskeyTable {
  id: string;
  name: string | null;
  userId: string;
  /** base64url credential id, as the browser reports it. */
  credentialID: string;
  /** COSE public key, base64. */
  publicKey: string;
  counter: number;
  deviceType: string;
  backedUp: boolean;
  transports: string | null;
  createdAt: Date | null;
  aaguid: string | null;
}

/** Wrong user codes typed against one approval request (the plugin only limits per IP). */
export interface ApprovalCodeFailureTable {
  approval_request_id: string;
  failures: number;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** Wrong codes typed on the device page without an agent id, per signed-in user. */
export interface UserCodeLookupFailureTable {
  user_id: string;
  failures: number;
  window_started_at: ColumnType<Date, Date | undefined, Date>;
}

/** Failed password sign-ins per account (lower-cased email), for the per-account lock (see sign-in-failures.ts). */
export interface SignInFailureTable {
  email: string;
  /** Attempts counted in the current window: failures, plus attempts still being checked. */
  failures: number;
  window_started_at: Date;
  /** Set when the count reaches the limit; password sign-in is refused until then. */
  locked_until: Date | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** What start-up last migrated to, per component whose schema is declared in code (see app/migrate-all.ts). */
export interface SchemaFingerprintTable {
  component: string;
  fingerprint: string;
}

export interface Database {
  products: ProductTable;
  inventory_adjustments: InventoryAdjustmentTable;
  carts: CartTable;
  cart_items: CartItemTable;
  orders: OrderTable;
  order_items: OrderItemTable;
  refunds: RefundTable;
  idempotency_keys: IdempotencyKeyTable;
  agent_limits: AgentLimitsTable;
  agent_budget_entries: AgentBudgetEntryTable;
  user: UserTable;
  member: MemberTable;
  organization: OrganizationTable;
  apikey: ApiKeyTable;
  agent: AgentTable;
  agentHost: AgentHostTable;
  agentCapabilityGrant: AgentCapabilityGrantTable;
  approvalRequest: ApprovalRequestTable;
  mcp_connections: McpConnectionTable;
  oauthClient: OAuthClientTable;
  oauthConsent: OAuthConsentTable;
  oauthRefreshToken: OAuthRefreshTokenTable;
  passkey: PasskeyTable;
  approval_code_failures: ApprovalCodeFailureTable;
  user_code_lookup_failures: UserCodeLookupFailureTable;
  sign_in_failures: SignInFailureTable;
  schema_fingerprints: SchemaFingerprintTable;
}

export type ProductRow = Selectable<ProductTable>;
export type NewProduct = Insertable<ProductTable>;
export type CartRow = Selectable<CartTable>;
export type OrderRow = Selectable<OrderTable>;
export type OrderItemRow = Selectable<OrderItemTable>;
export type RefundRow = Selectable<RefundTable>;

/** Money column value → integer minor units. */
export function toAmount(value: string | number | bigint): number {
  return typeof value === "number" ? value : Number(value);
}
