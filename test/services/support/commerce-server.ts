/*
 * The generated router over the real handlers and a fresh database, with a
 * test-only context factory: the tenant comes from `x-test-org` and the
 * caller from `x-test-caller`, so a test can act as any store and caller
 * without Better Auth.
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import express, { type Request } from "express";
import type { Kysely } from "kysely";
import { createRouter, HttpProblem, type ResponseViolation } from "../../../generated/routes.js";
import type { Principal } from "../../../src/auth/principal.js";
import { migrateCommerce } from "../../../src/db/migrate-commerce.js";
import type { Database } from "../../../src/db/schema.js";
import { tenantOf } from "../../../src/db/tenant.js";
import type { AppContext } from "../../../src/handlers/app-context.js";
import { createHandlers } from "../../../src/handlers/index.js";
import { problemOfError } from "../../../src/http/error-problems.js";
import { contractCheck } from "../../support/contract-check.js";
import { createTestDatabase } from "../../support/test-database.js";

export interface CommerceServer {
  readonly baseUrl: string;
  readonly db: Kysely<Database>;
  readonly kind: "postgres" | "pglite";
  /** Errors that reached the router as 500s; a test file expects none. */
  readonly unexpectedErrors: unknown[];
  /** Answers that broke the contract; close() fails while any is left. */
  readonly contractViolations: ResponseViolation[];
  close(): Promise<void>;
}

function testContext(req: Request): AppContext {
  const org = req.get("x-test-org");
  if (!org) throw new HttpProblem(401, "unauthenticated", "Authentication required");
  const caller = req.get("x-test-caller") ?? "shopper";
  const principal: Principal = {
    kind: "api_key",
    organizationId: org,
    userId: caller,
    credentialId: caller,
    scopes: new Set(["storefront", "admin"]),
  };
  return { principal, tenant: tenantOf(org), requestId: "test" };
}

export async function startCommerceServer(): Promise<CommerceServer> {
  const database = await createTestDatabase();
  await migrateCommerce(database.db);
  const unexpectedErrors: unknown[] = [];
  const app = express();
  // Every answer is checked against the contract (see contract-check.ts).
  const contract = contractCheck();
  app.use(
    createRouter(createHandlers(database.db), {
      context: testContext,
      classifyError: problemOfError,
      onError: (error) => unexpectedErrors.push(error),
      validateResponses: contract.validation,
    }),
  );
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    db: database.db,
    kind: database.kind,
    unexpectedErrors,
    contractViolations: contract.violations,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.dispose();
      contract.assertNone();
    },
  };
}
