/*
 * Blind SSRF through the agent-auth plugin, attacked from outside over real
 * HTTP: a stranger's host JWT names a `host_jwks_url` on this machine, and the
 * plugin fetches it. Its own check reads the URL as text (it stops
 * `https://127.0.0.1` but not `https://[::ffff:127.0.0.1]`); the outbound
 * guard that startTestApp installs, as `npm start` does, checks the address
 * the connection would really go to. A bare TCP listener on loopback counts
 * what gets through: it must stay at zero.
 */
import { randomUUID } from "node:crypto";
import { lookup } from "node:dns/promises";
import { hostname } from "node:os";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { classifyAddress } from "../../src/security/public-address.js";
import { type ConnectionCounter, startConnectionCounter } from "../support/connection-counter.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
let target: ConnectionCounter;
/** The plugin logs each failed JWKS fetch with console.error: the refusal (and its address) must be there. */
let consoleError: MockInstance<typeof console.error>;

beforeAll(async () => {
  [app, target] = await Promise.all([startTestApp(), startConnectionCounter()]);
});
afterAll(async () => {
  await Promise.all([app?.close(), target?.close()]);
});
beforeEach(() => {
  consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  consoleError.mockRestore();
});

interface Attacker {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

async function newKeyPair(): Promise<Attacker> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  return { privateKey, publicJwk: await exportJWK(publicKey) };
}

/** A host JWT as an attacker writes it: the host key is only "at" `jwksUrl`, so the server must fetch it. */
async function hostJwt(signer: Attacker, claims: Record<string, unknown>, issuer?: string): Promise<string> {
  const agent = await newKeyPair();
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ agent_public_key: agent.publicJwk, host_name: "attacker", ...claims })
    .setProtectedHeader({ alg: "EdDSA", typ: "host+jwt", kid: "attacker-key" })
    .setAudience(app.baseUrl)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setJti(randomUUID());
  if (issuer) jwt.setIssuer(issuer);
  return jwt.sign(signer.privateKey);
}

async function register(jwt: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${app.baseUrl}/api/auth/agent/register`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${jwt}` },
    body: JSON.stringify({ name: "probe", capabilities: ["listProducts"], mode: "delegated" }),
  });
  return { status: response.status, text: await response.text() };
}

async function rowCounts(): Promise<{ hosts: number; agents: number }> {
  const [hosts, agents] = await Promise.all([
    app.db
      .selectFrom("agentHost")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
    app.db
      .selectFrom("agent")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
  ]);
  return { hosts: Number(hosts.n), agents: Number(agents.n) };
}

/** What the plugin logged about failed JWKS fetches, as text (errors with their causes). */
function loggedText(): string {
  return consoleError.mock.calls
    .flat()
    .map((value) =>
      value instanceof Error ? `${value.message} ${value.cause instanceof Error ? value.cause.message : ""}` : String(value),
    )
    .join("\n");
}

/** The machine's own name, when it resolves (offline, through /etc/hosts) only to non-public addresses. */
async function localHostName(): Promise<string | undefined> {
  const name = hostname();
  const addresses = await lookup(name, { all: true }).catch(() => []);
  return addresses.length > 0 && addresses.every(({ address }) => !classifyAddress(address).public) ? name : undefined;
}

describe("host_jwks_url on this machine (blind SSRF)", () => {
  it("refuses every loopback spelling at registration without opening a connection or writing a row", async () => {
    const port = target.port;
    const urls = [
      `https://[::ffff:127.0.0.1]:${port}/jwks`,
      `https://[::ffff:7f00:1]:${port}/`,
      `https://[::1]:${port}/`,
      `https://0.0.0.0:${port}/`,
      `https://2130706433:${port}/`,
      `https://127.1:${port}/`,
      `https://0x7f.0.0.1:${port}/`,
      // A trailing dot passes the plugin's "localhost" check; it resolves nowhere here, so this one only shows no connection.
      `https://localhost.:${port}/`,
    ];
    const name = await localHostName();
    if (name) urls.push(`https://${name}:${port}/jwks`);
    const before = await rowCounts();
    for (const url of urls) {
      const attacker = await newKeyPair();
      const answer = await register(await hostJwt(attacker, { host_jwks_url: url }));
      expect(answer.status, url).toBeGreaterThanOrEqual(400);
      expect(answer.status, url).toBeLessThan(500);
      expect(JSON.parse(answer.text), url).toMatchObject({ error: expect.any(String) });
      // The refused address goes to the log, never back to the caller.
      expect(answer.text, url).not.toMatch(/127\.0\.0\.1|7f00|::1|refused/);
    }
    expect(target.connections).toBe(0);
    expect(await rowCounts()).toEqual(before);
    // The ones the plugin's text check lets through reach the guard, whose refusal is logged with the address.
    expect(loggedText()).toContain(`outbound connection to https://[::ffff:7f00:1]:${port} refused: ::ffff:7f00:1 is not a public address`);
    if (name) expect(loggedText()).toContain(`outbound connection to https://${name}:${port} refused`);
  });

  it("refuses a loopback JWKS URL stored on a host, when a later call makes the plugin fetch it", async () => {
    const port = target.port;
    const attacker = await newKeyPair();
    // An inline host key lets the first registration through (the plugin falls back to it), and the URL is stored.
    const first = await register(
      await hostJwt(attacker, { host_jwks_url: `https://[::ffff:127.0.0.1]:${port}/jwks`, host_public_key: attacker.publicJwk }),
    );
    expect(first.status, first.text).toBe(200);
    // jwksUrl is the plugin's column, not in our schema type.
    const host = (await app.db.selectFrom("agentHost").selectAll().where("name", "=", "attacker").executeTakeFirstOrThrow()) as {
      id: string;
      jwksUrl?: string;
    };
    expect(host.jwksUrl).toBe(`https://[::ffff:127.0.0.1]:${port}/jwks`);
    // From now on the plugin verifies this host's JWTs with keys from the stored URL.
    const second = await register(await hostJwt(attacker, {}, host.id));
    expect(second.status).toBeGreaterThanOrEqual(400);
    expect(second.status).toBeLessThan(500);
    expect(target.connections).toBe(0);
    expect(loggedText()).toContain("::ffff:7f00:1 is not a public address");
  });
});
