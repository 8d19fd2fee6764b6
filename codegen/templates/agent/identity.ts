/*
 * Who the agent is: two Ed25519 keypairs and what the server said about them.
 *
 * The host key identifies the program/machine a merchant learns to trust;
 * the agent key identifies one registration under it. Both are stored as
 * JWKs (private ones included) so a restarted agent keeps its identity: a
 * new host key would be a stranger again and need a fresh approval.
 */
import { exportJWK, generateKeyPair } from "jose";
import { IdentityStorageError } from "./errors.js";
import { type ApprovalInfo, parseApproval } from "./grants.js";

/** A public Ed25519 key as the protocol carries it: `{ kty: "OKP", crv: "Ed25519", x }`. */
export interface Ed25519PublicJwk {
  readonly kty: "OKP";
  readonly crv: "Ed25519";
  readonly x: string;
}

/** A private Ed25519 key (`d`) with its public half. */
export interface Ed25519PrivateJwk extends Ed25519PublicJwk {
  readonly d: string;
}

export interface Ed25519KeyPair {
  readonly publicJwk: Ed25519PublicJwk;
  readonly privateJwk: Ed25519PrivateJwk;
}

export interface HostIdentity {
  readonly keys: Ed25519KeyPair;
  /** Assigned by the server at the first registration; until then the host JWT carries its key inline. */
  readonly id?: string;
  /**
   * A merchant has approved an agent of this host once: the server now grants
   * the host's default (auto-granted) capabilities at once, which changes how
   * we register (see `registration.ts`).
   */
  readonly trusted: boolean;
}

export interface AgentKeyIdentity {
  readonly keys: Ed25519KeyPair;
  /** Assigned by the server at registration. */
  readonly id?: string;
  readonly name?: string;
  /**
   * The approval the merchant has not answered yet, kept so a restarted agent
   * can show the same code again: while it lasts the server repeats it
   * without the code.
   */
  readonly pendingApproval?: StoredApproval;
}

export interface StoredApproval {
  readonly info: ApprovalInfo;
  /** When it lapses, ISO 8601. */
  readonly expiresAt: string;
}

/** Everything worth keeping between runs. Plain JSON. */
export interface IdentityRecord {
  readonly version: 1;
  /** Server the ids belong to (discovery `issuer`); ids mean nothing to another server. */
  readonly issuer?: string;
  readonly host: HostIdentity;
  readonly agent?: AgentKeyIdentity;
}

/** Where an identity lives. `save` replaces the whole record. */
export interface IdentityStorage {
  load(): Promise<IdentityRecord | undefined>;
  save(record: IdentityRecord): Promise<void>;
}

/** Keeps the identity for the life of the process (tests, short-lived agents). */
export class MemoryIdentityStorage implements IdentityStorage {
  private record: IdentityRecord | undefined;

  constructor(initial?: IdentityRecord) {
    this.record = initial;
  }

  async load(): Promise<IdentityRecord | undefined> {
    return this.record;
  }

  async save(record: IdentityRecord): Promise<void> {
    // A deep copy: later mutation of the caller's object must not change what is "stored".
    this.record = structuredClone(record);
  }
}

/** A new Ed25519 keypair, exported as JWKs (extractable, so it can be stored). */
export async function generateEd25519KeyPair(): Promise<Ed25519KeyPair> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const privateJwk = parsePrivateJwk(await exportJWK(privateKey), "generated key");
  // Built from the private JWK rather than exported separately: one fixed key order, so the
  // public key serializes identically every time (the server compares stored keys as strings).
  return { publicJwk: publicOf(privateJwk), privateJwk };
}

/** A fresh identity: a new host keypair, no ids, not trusted. */
export async function createIdentity(): Promise<IdentityRecord> {
  return { version: 1, host: { keys: await generateEd25519KeyPair(), trusted: false } };
}

/**
 * The stored identity for `issuer`, or a new one (saved at once, so a crash
 * right after cannot lose the host key). A record made for another server
 * keeps its keys but forgets that server's ids and trust.
 */
export async function loadOrCreateIdentity(storage: IdentityStorage, issuer: string): Promise<IdentityRecord> {
  const stored = await storage.load();
  if (stored && stored.issuer === issuer) return stored;
  const record: IdentityRecord = stored
    ? { version: 1, issuer, host: { keys: stored.host.keys, trusted: false } }
    : { ...(await createIdentity()), issuer };
  await storage.save(record);
  return record;
}

/** Drops the stored agent (keeps the host and its trust): the next connect registers a new agent. */
export async function forgetAgent(storage: IdentityStorage): Promise<void> {
  const record = await storage.load();
  if (!record?.agent) return;
  const { agent: _dropped, ...rest } = record;
  await storage.save(rest);
}

/** Records host trust: a merchant approved one of this host's agents. */
export async function markHostTrusted(storage: IdentityStorage): Promise<void> {
  const record = await storage.load();
  if (!record || record.host.trusted) return;
  await storage.save({ ...record, host: { ...record.host, trusted: true } });
}

/** Checks an untrusted value (a parsed file) is an identity record. */
export function parseIdentityRecord(value: unknown, location: string): IdentityRecord {
  const fail = (what: string): never => {
    throw new IdentityStorageError(location, `not an agent identity (${what})`);
  };
  if (!isObject(value)) return fail("not an object");
  if (value.version !== 1) return fail(`unsupported version ${JSON.stringify(value.version)}`);
  if (value.issuer !== undefined && typeof value.issuer !== "string") fail("issuer");
  const host = value.host;
  if (!isObject(host)) return fail("host");
  if (host.id !== undefined && typeof host.id !== "string") fail("host.id");
  if (typeof host.trusted !== "boolean") fail("host.trusted");
  const record: IdentityRecord = {
    version: 1,
    ...(typeof value.issuer === "string" ? { issuer: value.issuer } : {}),
    host: {
      keys: parseKeyPair(host.keys, `${location} host.keys`),
      ...(typeof host.id === "string" ? { id: host.id } : {}),
      trusted: host.trusted as boolean,
    },
  };
  const agent = value.agent;
  if (agent === undefined) return record;
  if (!isObject(agent)) return fail("agent");
  if (agent.id !== undefined && typeof agent.id !== "string") fail("agent.id");
  if (agent.name !== undefined && typeof agent.name !== "string") fail("agent.name");
  const pendingApproval = parseStoredApproval(agent.pendingApproval);
  return {
    ...record,
    agent: {
      keys: parseKeyPair(agent.keys, `${location} agent.keys`),
      ...(typeof agent.id === "string" ? { id: agent.id } : {}),
      ...(typeof agent.name === "string" ? { name: agent.name } : {}),
      ...(pendingApproval ? { pendingApproval } : {}),
    },
  };
}

/** A stored approval, or nothing: it is only a convenience, so a damaged one is dropped, not fatal. */
function parseStoredApproval(value: unknown): StoredApproval | undefined {
  if (!isObject(value) || typeof value.expiresAt !== "string" || Number.isNaN(Date.parse(value.expiresAt))) return undefined;
  const info = parseApproval(value.info);
  return info ? { info, expiresAt: value.expiresAt } : undefined;
}

function parseKeyPair(value: unknown, location: string): Ed25519KeyPair {
  if (!isObject(value)) throw new IdentityStorageError(location, "missing keypair");
  const privateJwk = parsePrivateJwk(value.privateJwk, location);
  const publicJwk = publicOf(privateJwk);
  // The stored public half must be the private key's: a mismatch means a corrupted or tampered file.
  if (!isObject(value.publicJwk) || value.publicJwk.x !== publicJwk.x)
    throw new IdentityStorageError(location, "public key does not match private key");
  return { publicJwk, privateJwk };
}

function parsePrivateJwk(value: unknown, location: string): Ed25519PrivateJwk {
  if (!isObject(value) || value.kty !== "OKP" || value.crv !== "Ed25519" || typeof value.x !== "string" || typeof value.d !== "string") {
    throw new IdentityStorageError(location, "not an Ed25519 private JWK");
  }
  return { kty: "OKP", crv: "Ed25519", x: value.x, d: value.d };
}

function publicOf(key: Ed25519PrivateJwk): Ed25519PublicJwk {
  return { kty: "OKP", crv: "Ed25519", x: key.x };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
