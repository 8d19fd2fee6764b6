/*
 * The identity file: owner-only permissions, atomic replacement, keys that
 * survive a round trip, and refusal of files that are not identities.
 */
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { importJWK, jwtVerify } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createIdentity,
  FileIdentityStorage,
  type IdentityRecord,
  IdentityStorageError,
  loadOrCreateIdentity,
  MemoryIdentityStorage,
  signAgentJwt,
} from "../../generated/sdk/index.js";

const posix = process.platform !== "win32";
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sdk-identity-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function modeOf(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

async function withIds(): Promise<IdentityRecord> {
  const identity = await createIdentity();
  return { ...identity, issuer: "http://shop.test/api/auth", host: { ...identity.host, id: "host-1", trusted: true } };
}

describe.runIf(posix)("FileIdentityStorage permissions", () => {
  it("creates a missing directory 0700 under a permissive umask", async () => {
    const file = path.join(dir, "nested", "agent.json");
    const previous = process.umask(0);
    try {
      await new FileIdentityStorage(file).save(await createIdentity());
    } finally {
      process.umask(previous);
    }
    expect(await modeOf(path.dirname(file))).toBe(0o700);
    expect(await modeOf(file)).toBe(0o600);
  });

  it("creates the file exactly 0600, also when the umask would strip the owner's write bit", async () => {
    const file = path.join(dir, "agent.json");
    const previous = process.umask(0o277);
    try {
      await new FileIdentityStorage(file).save(await createIdentity());
    } finally {
      process.umask(previous);
    }
    expect(await modeOf(file)).toBe(0o600);
  });

  it("leaves 0600 after rewriting a file that was world-readable", async () => {
    const file = path.join(dir, "agent.json");
    await writeFile(file, "{}");
    await chmod(file, 0o644);
    await new FileIdentityStorage(file).save(await createIdentity());
    expect(await modeOf(file)).toBe(0o600);
  });

  it("tightens a group/world-readable identity to 0600 when loading it", async () => {
    const file = path.join(dir, "agent.json");
    const storage = new FileIdentityStorage(file);
    await storage.save(await createIdentity());
    await chmod(file, 0o664);
    expect(await storage.load()).toBeDefined();
    expect(await modeOf(file)).toBe(0o600);
  });
});

describe("FileIdentityStorage writes", () => {
  it("replaces the file by rename (new inode), leaving no temporary files", async () => {
    const file = path.join(dir, "agent.json");
    const storage = new FileIdentityStorage(file);
    await storage.save(await createIdentity());
    const before = await stat(file);
    const second = await withIds();
    await storage.save(second);
    const after = await stat(file);
    expect(after.ino).not.toBe(before.ino);
    expect(await readdir(dir)).toEqual(["agent.json"]);
    expect(await storage.load()).toEqual(second);
  });

  it("never exposes a partial file to a concurrent reader", async () => {
    const file = path.join(dir, "agent.json");
    const storage = new FileIdentityStorage(file);
    await storage.save(await createIdentity());
    const records = await Promise.all(Array.from({ length: 20 }, () => withIds()));
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const text = await readFile(file, "utf8");
        expect(() => JSON.parse(text)).not.toThrow();
        reads += 1;
      }
    })();
    await Promise.all(records.map((record) => storage.save(record)));
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    const final = await storage.load();
    expect(records).toContainEqual(final);
    expect(await readdir(dir)).toEqual(["agent.json"]);
  });

  it("round-trips keys: a token signed with the loaded private key verifies with the original public key", async () => {
    const file = path.join(dir, "agent.json");
    const original = await withIds();
    const agentIdentity = await createIdentity();
    const record: IdentityRecord = { ...original, agent: { keys: agentIdentity.host.keys, id: "agent-1", name: "Test agent" } };
    await new FileIdentityStorage(file).save(record);

    const loaded = await new FileIdentityStorage(file).load();
    expect(loaded).toEqual(record);
    const token = await signAgentJwt({
      agentPrivateKey: loaded!.agent!.keys.privateJwk,
      agentId: "agent-1",
      audience: "http://shop.test/api/auth",
    });
    const publicKey = await importJWK({ ...record.agent!.keys.publicJwk }, "EdDSA");
    const { payload } = await jwtVerify(token, publicKey, { audience: "http://shop.test/api/auth" });
    expect(payload.sub).toBe("agent-1");
  });

  it("returns undefined when there is no file yet", async () => {
    expect(await new FileIdentityStorage(path.join(dir, "none.json")).load()).toBeUndefined();
  });

  it("refuses a file that is not JSON, not an identity, or whose public key does not match its private key", async () => {
    const file = path.join(dir, "agent.json");
    const storage = new FileIdentityStorage(file);
    await writeFile(file, "not json");
    await expect(storage.load()).rejects.toBeInstanceOf(IdentityStorageError);
    await writeFile(file, JSON.stringify({ version: 1, host: { trusted: false } }));
    await expect(storage.load()).rejects.toThrow(/not an Ed25519 private JWK|missing keypair/);

    const one = await createIdentity();
    const other = await createIdentity();
    const tampered = {
      ...one,
      host: { ...one.host, keys: { privateJwk: one.host.keys.privateJwk, publicJwk: other.host.keys.publicJwk } },
    };
    await writeFile(file, JSON.stringify(tampered));
    await expect(storage.load()).rejects.toThrow(/public key does not match/);
  });
});

describe("loadOrCreateIdentity", () => {
  it("creates and saves an identity once, then returns the stored one", async () => {
    const storage = new MemoryIdentityStorage();
    const first = await loadOrCreateIdentity(storage, "http://shop.test/api/auth");
    expect(first.host.trusted).toBe(false);
    expect(await storage.load()).toEqual(first);
    expect(await loadOrCreateIdentity(storage, "http://shop.test/api/auth")).toEqual(first);
  });

  it("keeps the host key but forgets ids and trust for another server", async () => {
    const record = { ...(await withIds()), agent: { keys: (await createIdentity()).host.keys, id: "agent-1" } };
    const storage = new MemoryIdentityStorage(record);
    const other = await loadOrCreateIdentity(storage, "http://other.test/api/auth");
    expect(other).toEqual({ version: 1, issuer: "http://other.test/api/auth", host: { keys: record.host.keys, trusted: false } });
  });
});
