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
    expect(config).toMatchObject({
      port: 3005,
      databaseUrl: undefined,
      dataDir: ".data",
      trustProxy: false,
      databasePreparedStatements: true,
      authUrl: "http://localhost:3005",
    });
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: "false" }).databasePreparedStatements).toBe(false);
    expect(config.apiPublicUrl).toBe(config.authUrl);
    expect(config.usingDevelopmentSecret).toBe(true);
  });

  it("reports every bad variable on a line of its own, naming it", () => {
    const problems = problemsOf({
      PORT: "abc",
      DATABASE_URL: "mysql://db/x",
      TRUST_PROXY: "yes",
      BETTER_AUTH_URL: "not a url",
      DATABASE_PREPARED_STATEMENTS: "off",
    });
    expect(problems).toHaveLength(5);
    for (const name of ["PORT", "DATABASE_URL", "TRUST_PROXY", "BETTER_AUTH_URL", "DATABASE_PREPARED_STATEMENTS"]) {
      expect(
        problems.some((line) => line.startsWith(`${name}:`)),
        name,
      ).toBe(true);
    }
  });

  it("never repeats a secret it refuses, only its length, and names the rule", () => {
    const secret = "too-short-but-still-secret";
    const problems = problemsOf({ BETTER_AUTH_SECRET: secret, AGENT_PROXY_API_KEY: "pk-abc" });
    expect(problems).toEqual([
      `BETTER_AUTH_SECRET: must be at least 32 characters (e.g. \`openssl rand -base64 32\`) (got ${secret.length} characters)`,
      "AGENT_PROXY_API_KEY: must be an API key (got 6 characters)",
    ]);
  });

  it("shows a bad DATABASE_URL without its password", () => {
    const [problem] = problemsOf({ DATABASE_URL: "mysql://shop:hunter2@db.internal/shop" });
    expect(problem).toBe('DATABASE_URL: must be a postgres:// URL (got "mysql://shop:***@db.internal/shop")');
  });

  it("takes SHUTDOWN_TIMEOUT_MS in milliseconds, 10 s by default", () => {
    expect(loadConfig({}).shutdownTimeoutMs).toBe(10_000);
    expect(loadConfig({ SHUTDOWN_TIMEOUT_MS: "2500" }).shutdownTimeoutMs).toBe(2_500);
    for (const bad of ["soon", "-1", "1.5", "600001"]) {
      expect(problemsOf({ SHUTDOWN_TIMEOUT_MS: bad }), bad).toEqual([expect.stringMatching(/^SHUTDOWN_TIMEOUT_MS: must be /)]);
    }
  });

  it("bounds the start-up database check by DATABASE_STARTUP_TIMEOUT_MS, 5 s by default", () => {
    expect(loadConfig({}).databaseStartupTimeoutMs).toBe(5_000);
    expect(loadConfig({ DATABASE_STARTUP_TIMEOUT_MS: "1500" }).databaseStartupTimeoutMs).toBe(1_500);
    expect(problemsOf({ DATABASE_STARTUP_TIMEOUT_MS: "0" })).toEqual([
      expect.stringMatching(/^DATABASE_STARTUP_TIMEOUT_MS: must be 100-120000/),
    ]);
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

  it("runs agents' capability/execute in-process when the API is this server", () => {
    expect(loadConfig({ BETTER_AUTH_URL: "https://shop.test", API_PUBLIC_URL: "https://shop.test/" }).agentExecution).toEqual({
      kind: "in-process",
    });
  });

  it("proxies execute to API_PUBLIC_URL on another server, and then needs AGENT_PROXY_API_KEY", () => {
    expect(problemsOf({ BETTER_AUTH_URL: "https://auth.shop.test", API_PUBLIC_URL: "https://api.shop.test" })).toEqual([
      expect.stringMatching(/^AGENT_PROXY_API_KEY: is required when API_PUBLIC_URL/),
    ]);
    const config = loadConfig({
      BETTER_AUTH_URL: "https://auth.shop.test",
      API_PUBLIC_URL: "https://api.shop.test",
      AGENT_PROXY_API_KEY: "k".repeat(32),
    });
    expect(config.agentExecution).toEqual({ kind: "proxy", apiUrl: "https://api.shop.test", apiKey: "k".repeat(32) });
  });

  it("takes the device page as a path or an absolute URL", () => {
    expect(loadConfig({}).agentDeviceAuthPage).toBe("/device/capabilities");
    expect(loadConfig({ AGENT_DEVICE_AUTH_PAGE: "https://merchant.test/approve" }).agentDeviceAuthPage).toBe(
      "https://merchant.test/approve",
    );
    expect(problemsOf({ AGENT_DEVICE_AUTH_PAGE: "approve" })).toEqual([expect.stringMatching(/^AGENT_DEVICE_AUTH_PAGE: must be a path/)]);
  });

  it("takes REDIS_URL (redis:// or rediss://) with a key prefix, off by default", () => {
    expect(loadConfig({}).redis).toBeUndefined();
    expect(loadConfig({ REDIS_URL: "redis://127.0.0.1:6379/2" }).redis).toEqual({
      url: "redis://127.0.0.1:6379/2",
      keyPrefix: "commerce:",
    });
    expect(loadConfig({ REDIS_URL: "rediss://cache.internal:6380", REDIS_KEY_PREFIX: "shop-eu:" }).redis).toEqual({
      url: "rediss://cache.internal:6380",
      keyPrefix: "shop-eu:",
    });
    expect(problemsOf({ REDIS_URL: "http://127.0.0.1:6379" })).toEqual([expect.stringMatching(/^REDIS_URL: must be a redis/)]);
    expect(problemsOf({ REDIS_URL: "redis://127.0.0.1", REDIS_KEY_PREFIX: "bad prefix*" })).toEqual([
      expect.stringMatching(/^REDIS_KEY_PREFIX: /),
    ]);
    // A bad URL is shown without its password.
    const [line] = problemsOf({ REDIS_URL: "memcache://user:hunter2@cache:6379" });
    expect(line).not.toContain("hunter2");
  });

  it("takes an optional http(s) webhook for approval notices", () => {
    expect(loadConfig({}).agentApprovalWebhookUrl).toBeUndefined();
    expect(loadConfig({ AGENT_APPROVAL_WEBHOOK_URL: "https://hooks.shop.test/approvals" }).agentApprovalWebhookUrl).toBe(
      "https://hooks.shop.test/approvals",
    );
    expect(problemsOf({ AGENT_APPROVAL_WEBHOOK_URL: "ftp://hooks.shop.test" })).toEqual([
      expect.stringMatching(/^AGENT_APPROVAL_WEBHOOK_URL: must be an absolute http\(s\) URL/),
    ]);
    expect(problemsOf({ AGENT_APPROVAL_WEBHOOK_URL: "hooks" })).toEqual([
      expect.stringMatching(/^AGENT_APPROVAL_WEBHOOK_URL: must be an absolute http\(s\) URL/),
    ]);
  });
});
