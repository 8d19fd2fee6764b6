import type { Migration } from "kysely/migration";
import { commerceTables } from "./0001-commerce-tables.js";
import { callerScoping } from "./0002-caller-scoping.js";
import { authChangeNotifications } from "./0003-auth-change-notifications.js";
import { approvalCodeFailures } from "./0004-approval-code-failures.js";
import { agentChangeNotifications } from "./0005-agent-change-notifications.js";
import { userCodeLookups } from "./0006-user-code-lookups.js";
import { hostKeyRotation } from "./0007-host-key-rotation.js";
import { signInFailures } from "./0008-sign-in-failures.js";
import { unloggedRateLimits } from "./0009-unlogged-rate-limits.js";
import { agentLimits } from "./0010-agent-limits.js";
import { budgetEntriesByOrder } from "./0011-budget-entries-by-order.js";
import { searchIndexes } from "./0012-search-indexes.js";
import { skuSearchIndex } from "./0013-sku-search-index.js";
import { mcpConnections } from "./0014-mcp-connections.js";
import { schemaFingerprints } from "./0015-schema-fingerprints.js";

/**
 * Our migrations, by name in the order they run. Listed in code (not read
 * from a folder) so they work the same under tsx, bundles and tests.
 */
export const commerceMigrations: Record<string, Migration> = {
  "0001-commerce-tables": commerceTables,
  "0002-caller-scoping": callerScoping,
  "0003-auth-change-notifications": authChangeNotifications,
  "0004-approval-code-failures": approvalCodeFailures,
  "0005-agent-change-notifications": agentChangeNotifications,
  "0006-user-code-lookups": userCodeLookups,
  "0007-host-key-rotation": hostKeyRotation,
  "0008-sign-in-failures": signInFailures,
  "0009-unlogged-rate-limits": unloggedRateLimits,
  "0010-agent-limits": agentLimits,
  "0011-budget-entries-by-order": budgetEntriesByOrder,
  "0012-search-indexes": searchIndexes,
  "0013-sku-search-index": skuSearchIndex,
  "0014-mcp-connections": mcpConnections,
  "0015-schema-fingerprints": schemaFingerprints,
};
