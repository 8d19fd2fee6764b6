/*
 * Problem codes are a closed set declared in the contract
 * (`components.schemas.ProblemCode`): the generator turns it into the
 * `ProblemCode` union (a typo does not compile), response validation refuses
 * a code outside it, and agent-route refusals made by Better Auth or the
 * Agent Auth plugin are mapped into it. The plugin is a dependency: this pins
 * that every code it can answer with is one of ours.
 */
import { AGENT_AUTH_ERROR_CODES } from "@better-auth/agent-auth";
import { describe, expect, it } from "vitest";
import { generate } from "../../codegen/generate.js";
import { isProblemCode, problemCodes } from "../../generated/routes.js";
import { protocolProblemOf } from "../../src/agents/plugin/protocol-problem.js";
import { COMMERCE_SPEC, fixtureSpec } from "../codegen/support/paths.js";

describe("the contract's closed set of problem codes", () => {
  it("holds every code the Agent Auth plugin can answer with", () => {
    const pluginCodes = Object.values(AGENT_AUTH_ERROR_CODES).map((entry) => entry.code);
    expect(pluginCodes.length).toBeGreaterThan(40);
    expect(pluginCodes.filter((code) => !isProblemCode(code))).toEqual([]);
  });

  it("holds the router's own codes, and nothing that is not snake_case", () => {
    expect(problemCodes).toEqual(
      expect.arrayContaining([
        "validation_failed",
        "malformed_body",
        "body_too_large",
        "unsupported_media_type",
        "method_not_allowed",
        "bad_request",
        "internal_error",
      ]),
    );
    expect(problemCodes.filter((code) => !/^[a-z][a-z0-9_]*$/.test(code))).toEqual([]);
    expect(new Set(problemCodes).size).toBe(problemCodes.length);
    expect(isProblemCode("Cart Not Found")).toBe(false);
  });

  it("is emitted as a union in the runtime and exported by the SDK", async () => {
    const { files } = await generate({ specPath: COMMERCE_SPEC });
    const runtime = files.find((file) => file.path === "runtime/problem.ts")!.contents;
    expect(runtime).toContain("export type ProblemCode = (typeof problemCodes)[number];");
    expect(runtime).not.toContain("codegen:problem-codes");
    expect(files.find((file) => file.path === "sdk/index.ts")!.contents).toContain(
      'export type ProblemCode = import("./openapi.js").components["schemas"]["ProblemCode"];',
    );
  });

  it("stays open for a contract that declares none", async () => {
    const { files } = await generate({ specPath: fixtureSpec("no-extensions.yaml") });
    expect(files.find((file) => file.path === "runtime/problem.ts")!.contents).toContain("export type ProblemCode = string;");
    expect(files.find((file) => file.path === "sdk/index.ts")!.contents).not.toContain("ProblemCode");
  });
});

describe("agent-route refusals are mapped into the set", () => {
  it("keeps a known code and the refusal's wording", () => {
    expect(protocolProblemOf(403, { error: "capability_not_granted", message: "No grant." })).toMatchObject({
      code: "capability_not_granted",
      error: "capability_not_granted",
      status: 403,
      message: "No grant.",
      detail: "No grant.",
    });
  });

  it("snake-cases Better Auth's codes", () => {
    expect(protocolProblemOf(400, { code: "VALIDATION_ERROR", message: "[body.name] Required" })).toMatchObject({
      code: "validation_error",
      message: "[body.name] Required",
    });
  });

  it.each([
    [403, { error: "some_future_plugin_code", message: "Nope." }, "forbidden"],
    [401, { code: "SESSION_EXPIRED", message: "Expired." }, "unauthorized"],
    [429, { message: "Too many requests. Please try again later." }, "rate_limited"],
    [418, {}, "bad_request"],
    [502, { error: "upstream" }, "internal_error"],
  ])("maps a code outside the set (%i %j) to its status's code, wording kept", (status, body, code) => {
    const problem = protocolProblemOf(status, body);
    expect(problem).toMatchObject({ status, code, error: code, type: `/problems/${code}` });
    if ("message" in body) expect(problem.message).toBe(body.message);
  });
});
