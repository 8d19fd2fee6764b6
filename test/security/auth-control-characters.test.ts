/*
 * Control characters sent to Better Auth's own endpoints (accounts, stores,
 * API keys, agent-auth's agents and hosts), as an attacker would: each is
 * 400 `invalid_characters` naming the field by JSON pointer, never a 500
 * (PostgreSQL refuses U+0000 in text), and reading back shows nothing was
 * stored. The guard is src/auth/control-character-guard.ts.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateEd25519KeyPair } from "../../generated/sdk/index.js";
import { signInCookie } from "../support/merchant.js";
import { BUSY_MERCHANT, createStoreOwner, issueApiKey, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { type Answer, call, type Host, hostJwt, newHost, register } from "./support/protocol-client.js";

let app: TestApp;
let owner: StoreOwner;
let cookie: string;
let keyId: string;
let hostId: string;
let agentId: string;
let trustedHost: Host;

beforeAll(async () => {
  // Sign-ups (5 per 10 minutes) and registrations (10 a minute) are per address; this file sends dozens of refused ones.
  const busy = { window: 60, max: 1_000 };
  app = await startTestApp({ rateLimits: { routes: { ...BUSY_MERCHANT.routes, "/sign-up/*": busy, "/agent/register": busy } } });
  owner = await createStoreOwner(app.auth, "Hygiene Store");
  cookie = await signInCookie(app, owner.email, owner.password);
  await call(app, "/api/auth/organization/set-active", { cookie, body: { organizationId: owner.organizationId } });
  await issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront"] });
  keyId = (await app.db.selectFrom("apikey").select("id").where("referenceId", "=", owner.userId).executeTakeFirstOrThrow()).id;
  const host = await call(app, "/api/auth/host/create", {
    cookie,
    body: { name: "laptop", public_key: (await generateEd25519KeyPair()).publicJwk },
  });
  expect(host.status, JSON.stringify(host.body)).toBe(200);
  hostId = String(host.body.hostId);
  trustedHost = await newHost();
  agentId = (await register(app, trustedHost, ["listProducts"])).id;
  // The owner's agent (as if approved), so the owner's session may update it.
  await app.db.updateTable("agent").set({ userId: owner.userId }).where("id", "=", agentId).execute();
});
afterAll(() => app?.close());

/** What a refused request could have changed, read from the database. */
async function snapshot() {
  const [users, organizations, keys, hosts, agents] = await Promise.all([
    app.db.selectFrom("user").select(["id", "name", "email"]).orderBy("id").execute(),
    // Columns our Database type leaves out (Better Auth owns these tables).
    sql`select id, name, slug, metadata from organization order by id`.execute(app.db).then((result) => result.rows),
    sql`select id, name from apikey order by id`.execute(app.db).then((result) => result.rows),
    app.db.selectFrom("agentHost").select(["id", "name"]).orderBy("id").execute(),
    app.db.selectFrom("agent").select(["id", "name"]).orderBy("id").execute(),
  ]);
  return { users, organizations, keys, hosts, agents };
}

interface Case {
  readonly name: string;
  readonly send: (text: string) => Promise<Answer>;
  readonly pointer: string;
  /** Free text: TAB, LF and CR are accepted there. */
  readonly freeText?: boolean;
}

const fresh = () => randomUUID().slice(0, 8);

const CASES: readonly Case[] = [
  {
    name: "sign-up/email name",
    send: (text) =>
      call(app, "/api/auth/sign-up/email", {
        body: { email: `eve-${fresh()}@example.com`, password: "password-1234", name: `Eve${text}` },
      }),
    pointer: "/body/name",
  },
  {
    name: "sign-up/email email",
    send: (text) =>
      call(app, "/api/auth/sign-up/email", { body: { email: `eve${text}${fresh()}@example.com`, password: "password-1234", name: "Eve" } }),
    pointer: "/body/email",
  },
  {
    name: "sign-in/email email",
    send: (text) => call(app, "/api/auth/sign-in/email", { body: { email: `${owner.email}${text}`, password: owner.password } }),
    pointer: "/body/email",
  },
  {
    name: "update-user name",
    send: (text) => call(app, "/api/auth/update-user", { cookie, body: { name: `Owner${text}` } }),
    pointer: "/body/name",
  },
  {
    name: "organization/create name",
    send: (text) => call(app, "/api/auth/organization/create", { cookie, body: { name: `Shop${text}`, slug: `shop-${fresh()}` } }),
    pointer: "/body/name",
  },
  {
    name: "organization/create slug",
    send: (text) => call(app, "/api/auth/organization/create", { cookie, body: { name: "Shop", slug: `shop${text}${fresh()}` } }),
    pointer: "/body/slug",
  },
  {
    name: "organization/update name",
    send: (text) =>
      call(app, "/api/auth/organization/update", {
        cookie,
        body: { organizationId: owner.organizationId, data: { name: `Store${text}` } },
      }),
    pointer: "/body/data/name",
  },
  {
    name: "organization/update a metadata key",
    send: (text) =>
      call(app, "/api/auth/organization/update", {
        cookie,
        body: { organizationId: owner.organizationId, data: { metadata: { [`k${text}`]: 1 } } },
      }),
    pointer: "/body/data/metadata/k",
  },
  {
    name: "api-key/create name",
    send: (text) => call(app, "/api/auth/api-key/create", { cookie, body: { name: `key${text}` } }),
    pointer: "/body/name",
  },
  {
    name: "api-key/update name",
    send: (text) => call(app, "/api/auth/api-key/update", { cookie, body: { keyId, name: `key${text}` } }),
    pointer: "/body/name",
  },
  {
    name: "agent/register name",
    send: async (text) => {
      const keys = await generateEd25519KeyPair();
      const bearer = await hostJwt(app, await newHost(), { agentPublicJwk: keys.publicJwk });
      return call(app, "/api/auth/agent/register", {
        bearer,
        body: { name: `agent${text}`, capabilities: ["listProducts"], mode: "delegated" },
      });
    },
    pointer: "/body/name",
  },
  {
    name: "agent/register reason",
    send: async (text) => {
      const keys = await generateEd25519KeyPair();
      const bearer = await hostJwt(app, await newHost(), { agentPublicJwk: keys.publicJwk });
      return call(app, "/api/auth/agent/register", {
        bearer,
        body: { name: "agent", reason: `to shop${text}for me`, capabilities: ["listProducts"], mode: "delegated" },
      });
    },
    pointer: "/body/reason",
    freeText: true,
  },
  {
    name: "host/create name",
    send: async (text) =>
      call(app, "/api/auth/host/create", {
        cookie,
        body: { name: `laptop${text}`, public_key: (await generateEd25519KeyPair()).publicJwk },
      }),
    pointer: "/body/name",
  },
  {
    name: "host/update name",
    send: (text) => call(app, "/api/auth/host/update", { cookie, body: { host_id: hostId, name: `laptop${text}` } }),
    pointer: "/body/name",
  },
  {
    name: "agent/update name",
    send: (text) => call(app, "/api/auth/agent/update", { cookie, body: { agent_id: agentId, name: `agent${text}` } }),
    pointer: "/body/name",
  },
  {
    name: "a query parameter",
    send: (text) =>
      call(app, `/api/auth/organization/get-full-organization?organizationId=${encodeURIComponent(`${owner.organizationId}${text}`)}`, {
        cookie,
      }),
    pointer: "/query/organizationId",
  },
];

const REFUSED = ["\u0000", "\u0001", "\u001b", "\u007f"];
const WHITESPACE = ["\t", "\n", "\r"];

describe("Better Auth endpoints refuse control characters", () => {
  it.each(CASES)(
    "$name: NUL and other C0 → 400 invalid_characters naming $pointer; nothing stored",
    async ({ send, pointer, freeText }) => {
      const before = await snapshot();
      for (const char of freeText ? REFUSED : [...REFUSED, ...WHITESPACE]) {
        const answer = await send(char);
        expect(answer.status, `${JSON.stringify(char)}: ${JSON.stringify(answer.body)}`).toBe(400);
        expect(answer.body.error).toBe("invalid_characters");
        expect(String(answer.body.message)).toContain(`${pointer}`);
        expect(String(answer.body.message)).toContain(`U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
      }
      expect(await snapshot()).toEqual(before);
    },
  );

  it("free text takes tabs and line breaks: agent/register with a multi-line reason", async () => {
    const agent = await register(app, await newHost(), ["listProducts"], { reason: "Line 1\n\tLine 2\r\n" });
    expect(agent.id).toEqual(expect.any(String));
  });

  it("the same requests with clean text succeed (the refusals above are the guard's)", async () => {
    for (const [path, body] of [
      ["/api/auth/organization/update", { organizationId: owner.organizationId, data: { name: "Renamed Store", metadata: { k: 1 } } }],
      ["/api/auth/api-key/update", { keyId, name: "renamed" }],
      ["/api/auth/host/update", { host_id: hostId, name: "desk" }],
      ["/api/auth/agent/update", { agent_id: agentId, name: "shopper" }],
    ] as const) {
      const answer = await call(app, path, { cookie, body });
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(200);
    }
    const { hosts, agents } = await snapshot();
    expect(hosts.find((host) => host.id === hostId)?.name).toBe("desk");
    expect(agents.find((agent) => agent.id === agentId)?.name).toBe("shopper");
  });

  it("printable text of any script passes: names with accents, CJK and emoji", async () => {
    const renamed = await call(app, "/api/auth/update-user", { cookie, body: { name: "Zoë 店長 🙂" } });
    expect(renamed.status).toBe(200);
    expect((await app.db.selectFrom("user").select("name").where("id", "=", owner.userId).executeTakeFirstOrThrow()).name).toBe(
      "Zoë 店長 🙂",
    );
  });

  it("passwords are not checked (only their hash is stored): sign-in with a wrong one is a normal 401", async () => {
    const answer = await call(app, "/api/auth/sign-in/email", { body: { email: owner.email, password: "wrong\u0000password" } });
    expect(answer.status).toBe(401);
  });
});
