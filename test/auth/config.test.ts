import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/env.js";

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("loadConfig", () => {
  it("fills documented defaults on an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3005, databaseUrl: undefined, dataDir: ".data", trustProxy: false, authUrl: "http://localhost:3005" });
    expect(config.apiPublicUrl).toBe(config.authUrl);
    expect(config.usingDevelopmentSecret).toBe(true);
  });

  it("reports every bad variable on a line of its own, naming it", () => {
    const problems = problemsOf({ PORT: "abc", DATABASE_URL: "mysql://db/x", TRUST_PROXY: "yes", BETTER_AUTH_URL: "not a url" });
    expect(problems).toHaveLength(4);
    for (const name of ["PORT", "DATABASE_URL", "TRUST_PROXY", "BETTER_AUTH_URL"]) {
      expect(problems.some((line) => line.startsWith(`${name}:`)), name).toBe(true);
    }
  });

  it("refuses the development secret in production", () => {
    expect(problemsOf({ NODE_ENV: "production" })).toEqual([expect.stringMatching(/^BETTER_AUTH_SECRET: is required in production/)]);
    expect(problemsOf({ NODE_ENV: "production", BETTER_AUTH_SECRET: "s".repeat(40) })).toEqual([]);
  });

  it("derives API_PUBLIC_URL from BETTER_AUTH_URL and drops trailing slashes", () => {
    const config = loadConfig({ BETTER_AUTH_URL: "https://shop.test/" });
    expect(config.authUrl).toBe("https://shop.test");
    expect(config.apiPublicUrl).toBe("https://shop.test");
  });
});
