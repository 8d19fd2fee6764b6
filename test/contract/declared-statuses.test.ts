/*
 * The contract declares every status an operation can answer with, and names
 * every problem code. What an operation can answer is read from the source
 * (support/problem-walk.ts): its handler and everything it calls, the context
 * factory every operation runs first (authentication, scope, grants), the
 * grant-constraint guard, and the router's own problems. Regression: getCart
 * answered 409 quantity_limit_exceeded, which it did not declare (reading a
 * cart re-checked a write-side limit; the check now runs on the writes).
 */

import { Node } from "ts-morph";
import { beforeAll, describe, expect, it } from "vitest";
import { loadSpec } from "../../codegen/load/load-spec.js";
import { buildModel } from "../../codegen/model/build-model.js";
import type { OperationModel } from "../../codegen/model/operation-model.js";
import { resolveLocal } from "../../codegen/model/resolve-local-ref.js";
import { statusOfDomainCode } from "../../src/http/domain-problems.js";
import type { DomainErrorCode } from "../../src/services/domain-error.js";
import { COMMERCE_SPEC, PROJECT_ROOT } from "../codegen/support/paths.js";
import { createProblemWalker, type FoundProblem } from "./support/problem-walk.js";

/** Where the handlers of each area live; every operationId must be found in one of them. */
const HANDLER_FILES = ["products", "admin-products", "carts", "orders", "admin-orders"].map((area) => `src/handlers/${area}-handlers.ts`);

/** Run before every operation's handler: their problems count for every operation. */
const SHARED_ROOTS = [
  { file: "src/auth/resolve-principal.ts", fn: "createContextFactory" },
  { file: "src/handlers/grant-constraints-guard.ts", fn: "withGrantConstraints" },
] as const;

/**
 * Problems the walk cannot read as literals: status and code come from data.
 * Each entry names what it can be; the test fails when an entry no longer
 * matches the source (no site found, or a literal status outside `statuses`).
 */
const DYNAMIC_PROBLEMS: Readonly<Record<string, { statuses: readonly number[]; codes: readonly string[] }>> = {
  // The plugin's getAgentSession: 401 for an invalid or replayed token, 403 for a pending or revoked agent (STACK-NOTES).
  "src/agents/principal/agent-principal.ts#fromPluginError": { statuses: [401, 403], codes: [] },
  // Re-throws a 401 of its own verification with the discovery challenge added: same status, same code.
  "src/agents/principal/agent-resolver.ts#resolve": { statuses: [401], codes: [] },
  "src/agents/principal/agent-resolver.ts#verify": { statuses: [401], codes: ["jti_replay", "invalid_jwt"] },
  "src/agents/principal/agent-resolver.ts#stateRefusal": {
    statuses: [403],
    codes: ["agent_pending", "agent_revoked", "agent_rejected", "agent_claimed", "agent_inactive"],
  },
};

/** The operations checked below, one test each (the first test keeps this list equal to the contract's). */
const OPERATION_IDS = [
  ...["listProducts", "getProduct", "createCart", "getCart", "addCartItem", "updateCartItem", "removeCartItem"],
  ...["placeOrder", "listOrders", "getOrder", "adminCreateProduct", "adminUpdateProduct", "adminArchiveProduct"],
  ...["adminAdjustInventory", "adminListOrders", "adminGetOrder", "adminRefundOrder", "adminCancelOrder"],
];

interface Problem {
  readonly status: number;
  readonly code: string;
  readonly from: string;
}

/** The router's own answers for an operation (codegen/templates/runtime/). */
function routerProblems(operation: OperationModel): Problem[] {
  const problems: Problem[] = [{ status: 500, code: "internal_error", from: "router: any other error" }];
  if (operation.parameters.length > 0 || operation.requestBody)
    problems.push({ status: 400, code: "validation_failed", from: "router: request validation" });
  if (operation.requestBody) {
    problems.push(
      { status: 400, code: "malformed_body", from: "router: body parser" },
      { status: 413, code: "body_too_large", from: "router: body parser" },
      { status: 415, code: "unsupported_media_type", from: "router: body media type" },
    );
  }
  return problems;
}

let operations: readonly OperationModel[];
let document: unknown;
const found = new Map<string, Problem[]>();
let shared: Problem[] = [];
const dynamicSites: FoundProblem[] = [];

function asProblems(items: readonly FoundProblem[]): Problem[] {
  const problems: Problem[] = [];
  for (const item of items) {
    const key = `${item.site.split(":")[0]}#${item.inFunction}`;
    if (item.status !== undefined && item.code !== undefined) {
      problems.push({ status: item.status, code: item.code, from: item.site });
      continue;
    }
    dynamicSites.push(item);
    const known = DYNAMIC_PROBLEMS[key];
    for (const status of known?.statuses ?? []) {
      if (known!.codes.length === 0) problems.push({ status, code: "", from: `${item.site} (dynamic)` });
      for (const code of known!.codes) problems.push({ status, code, from: `${item.site} (dynamic)` });
    }
  }
  return problems;
}

beforeAll(async () => {
  const spec = await loadSpec(COMMERCE_SPEC);
  document = spec.document;
  operations = buildModel(spec, { agentDefaults: { scope: "storefront" } }).operations;
  const walker = createProblemWalker(PROJECT_ROOT, (code) => statusOfDomainCode(code as DomainErrorCode));
  const ids = new Set(operations.map((operation) => operation.operationId));
  for (const file of HANDLER_FILES) {
    for (const node of walker.sourceFile(file).getDescendants()) {
      if ((Node.isMethodDeclaration(node) || Node.isPropertyAssignment(node)) && ids.has(node.getName())) {
        found.set(node.getName(), asProblems(walker.problemsFrom(node)));
      }
    }
  }
  shared = SHARED_ROOTS.flatMap(({ file, fn }) => asProblems(walker.problemsFrom(walker.sourceFile(file).getFunctionOrThrow(fn))));
}, 120_000);

/**
 * Status keys the operation declares, the descriptions that may name its
 * codes by status key, and the operation's own description (where the codes
 * its handler answers with are listed: shared responses list every code).
 */
function declared(operation: OperationModel): { keys: Set<string>; texts: Map<string, string>; own: string } {
  const pathItem = (document as { paths: Record<string, Record<string, { description?: string; responses: Record<string, unknown> }>> })
    .paths[operation.path]!;
  const raw = pathItem[operation.method]!;
  const texts = new Map<string, string>();
  for (const [key, response] of Object.entries(raw.responses)) {
    const resolved = resolveLocal<{ description?: string }>(document, response as { description?: string }, operation.pointer);
    texts.set(key, `${raw.description ?? ""}\n${resolved.description ?? ""}`);
  }
  return { keys: new Set(Object.keys(raw.responses)), texts, own: raw.description ?? "" };
}

/** The contract writes codes in backticks: `cart_not_open`, `409 cart_not_open` or `code: validation_failed`. */
function namesCode(text: string, code: string): boolean {
  return [`\`${code}\``, `\`code: ${code}\``].some((form) => text.includes(form)) || new RegExp(`\`\\d{3} ${code}\``).test(text);
}

function statusKey(keys: ReadonlySet<string>, status: number): string | undefined {
  return [String(status), `${String(status)[0]}XX`, "default"].find((key) => keys.has(key));
}

describe("every status an operation can answer with is declared", () => {
  it("finds the handler of every operation, and checks every operation", () => {
    const contract = operations.map((operation) => operation.operationId).sort();
    expect([...found.keys()].sort()).toEqual(contract);
    expect([...OPERATION_IDS].sort()).toEqual(contract);
  });

  it("knows every problem the walk cannot read (DYNAMIC_PROBLEMS matches the source)", () => {
    const sites = new Set(dynamicSites.map((site) => `${site.site.split(":")[0]}#${site.inFunction}`));
    expect(
      dynamicSites.filter((site) => !DYNAMIC_PROBLEMS[`${site.site.split(":")[0]}#${site.inFunction}`]).map((site) => site.site),
    ).toEqual([]);
    expect(Object.keys(DYNAMIC_PROBLEMS).filter((key) => !sites.has(key))).toEqual([]);
    for (const site of dynamicSites) {
      const known = DYNAMIC_PROBLEMS[`${site.site.split(":")[0]}#${site.inFunction}`]!;
      if (site.status !== undefined) expect(known.statuses, site.site).toContain(site.status);
      if (site.code !== undefined) expect(known.codes, site.site).toContain(site.code);
    }
  });

  it.each(OPERATION_IDS)("%s: declares each status and names each code", (operationId) => {
    const operation = operations.find((item) => item.operationId === operationId);
    expect(operation, `${operationId} is not in the contract`).toBeDefined();
    const { keys, texts, own } = declared(operation!);
    const problems = [...found.get(operationId)!, ...shared, ...routerProblems(operation!)];
    const undeclared = problems
      .filter((problem) => statusKey(keys, problem.status) === undefined)
      .map((problem) => `${problem.status} ${problem.code} (${problem.from})`);
    expect([...new Set(undeclared)].join("\n"), `statuses ${operationId} can answer with but does not declare`).toBe("");
    const unnamed = problems
      .filter((problem) => problem.code !== "" && !namesCode(texts.get(statusKey(keys, problem.status)!)!, problem.code))
      .map((problem) => `${problem.status} ${problem.code} (${problem.from})`);
    expect(
      [...new Set(unnamed)].join("\n"),
      `codes ${operationId} can answer with that neither its description nor its response names`,
    ).toBe("");
    // 404, 409 and 422 codes are the operation's own: its description lists them ("Errors by `code`").
    const unlisted = found
      .get(operationId)!
      .filter((problem) => [404, 409, 422].includes(problem.status) && !namesCode(own, problem.code))
      .map((problem) => `${problem.status} ${problem.code} (${problem.from})`);
    expect([...new Set(unlisted)].join("\n"), `codes ${operationId}'s description does not list`).toBe("");
  });
});
