/*
 * One title per problem code: every problem the app builds takes its title
 * from src/http/problem-titles.ts, and the generated router's own problems
 * use the same titles. Regression: the fast verifier answered `invalid_jwt`
 * "Unauthorized" while the plugin path's title followed the status, and
 * `unsupported_media_type` had two titles in the router.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { protocolProblem } from "../../src/agents/plugin/protocol-problem.js";
import { httpProblem, problemTitles } from "../../src/http/problem-titles.js";
import { PROJECT_ROOT } from "../codegen/support/paths.js";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

describe("one title per problem code", () => {
  it("nothing in src/ builds an HttpProblem except httpProblem, which reads the table", () => {
    const builders = sourceFiles(path.join(PROJECT_ROOT, "src"))
      .filter((file) => readFileSync(file, "utf8").includes("new HttpProblem("))
      .map((file) => path.relative(PROJECT_ROOT, file));
    expect(builders).toEqual([path.join("src", "http", "problem-titles.ts")]);
  });

  it("the generated router's own problems carry the table's titles", () => {
    const runtime = sourceFiles(path.join(PROJECT_ROOT, "codegen/templates/runtime")).map((file) => readFileSync(file, "utf8"));
    const built = [...runtime.join("\n").matchAll(/new HttpProblem\([^,]+, "(\w+)", "([^"]+)"/g)].map(([, code, title]) => ({
      code,
      title,
    }));
    expect(built.length).toBeGreaterThan(5);
    for (const { code, title } of built) expect(title, code).toBe(problemTitles[code as keyof typeof problemTitles]);
  });

  it.each([
    { status: 401, code: "invalid_jwt" },
    { status: 401, code: "agent_expired" },
    { status: 401, code: "jti_replay" },
    { status: 403, code: "capability_not_granted" },
    { status: 403, code: "agent_revoked" },
  ] as const)("$code reads the same from our verifier and from the plugin's refusal", ({ status, code }) => {
    const ours = httpProblem(status, code, "ours");
    const plugins = protocolProblem(status, { error: code, message: "the plugin's" });
    expect(plugins.title).toBe(ours.title);
    expect(plugins.toJSON()).toMatchObject({ title: problemTitles[code], code, error: code, detail: "the plugin's" });
  });
});
