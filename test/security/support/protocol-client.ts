/*
 * A raw Agent Auth protocol client, written from the protocol, not from our
 * SDK: Ed25519 keys and host/agent JWTs made with jose alone, plain HTTP
 * calls whose status and body the tests read. The attack tests use it to
 * send what a well-behaved client never would; the conformance tests use it
 * as an independent client would.
 */
import { randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import type { TestApp } from "../../support/test-app.js";

/** An Ed25519 key pair as JWKs (`kty: OKP`, `crv: Ed25519`). */
export interface Ed25519KeyPair {
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
}

export async function generateEd25519KeyPair(): Promise<Ed25519KeyPair> {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  return { publicJwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey) };
}

/** A protocol JWT (`typ` host+jwt or agent+jwt): EdDSA, fresh jti, 60 s life, claims as given. */
async function signProtocolJwt(
  typ: "host+jwt" | "agent+jwt",
  key: JWK,
  claims: Record<string, unknown>,
  registered: { sub?: string; iss?: string; aud: string | string[] },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "EdDSA", typ })
    .setAudience(registered.aud)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setJti(randomUUID());
  if (registered.sub) jwt.setSubject(registered.sub);
  if (registered.iss) jwt.setIssuer(registered.iss);
  return jwt.sign(await importJWK(key, "EdDSA"));
}

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface CallOptions {
  readonly method?: "GET" | "POST";
  readonly cookie?: string;
  readonly bearer?: string;
  readonly apiKey?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** One HTTP call to the app, as a browser or agent would make it (Origin = the app for cookie POSTs). */
export async function call(app: TestApp, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { origin: app.baseUrl, ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.apiKey) headers["x-api-key"] = options.apiKey;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${app.baseUrl}${path}`, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    redirect: "manual",
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { text };
  }
  return { status: response.status, body };
}

/** A GET with a Host header of the caller's choosing (fetch forbids setting Host). */
export async function callWithHost(
  app: TestApp,
  path: string,
  host: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Answer> {
  const url = new URL(path, app.baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: payload ? "POST" : "GET",
        headers: {
          ...headers,
          host,
          ...(payload ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(payload)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

export interface Host {
  readonly keys: Ed25519KeyPair;
  /** Set once the server registered it (the host's key thumbprint). */
  id?: string;
}

export interface Agent {
  readonly keys: Ed25519KeyPair;
  readonly id: string;
  readonly host: Host;
  /** The user code of its device approval, when it got one. */
  readonly userCode?: string;
  readonly status: string;
}

export async function newHost(): Promise<Host> {
  return { keys: await generateEd25519KeyPair() };
}

/** The issuer audience (`<origin>/api/auth`): what the plugin verifies. */
export function issuer(app: TestApp): string {
  return `${app.baseUrl}/api/auth`;
}

/** The API audience (`<origin>/v1`): what our /v1 fast path verifies. */
export function apiAudience(app: TestApp): string {
  return `${app.baseUrl}/v1`;
}

/**
 * A host JWT: the host's public key inline, `iss` = the host id once known.
 * `iss` and `signingKey` override those (a client naming its host by key
 * thumbprint; a forger signing with another key).
 */
export async function hostJwt(
  app: TestApp,
  host: Host,
  extra: { agentPublicJwk?: JWK; audience?: string; iss?: string; signingKey?: JWK } = {},
): Promise<string> {
  const iss = extra.iss ?? host.id;
  return signProtocolJwt(
    "host+jwt",
    extra.signingKey ?? host.keys.privateJwk,
    {
      host_public_key: host.keys.publicJwk,
      host_name: "attack host",
      ...(extra.agentPublicJwk ? { agent_public_key: extra.agentPublicJwk } : {}),
    },
    { aud: extra.audience ?? issuer(app), ...(iss ? { iss } : {}) },
  );
}

/** An agent JWT (`sub` = agent id) for one request; extra claims such as `htm`/`htu` or `capabilities` as given. */
export async function agentJwt(agent: Agent, audience: string | string[], claims: Record<string, unknown> = {}): Promise<string> {
  return signProtocolJwt("agent+jwt", agent.keys.privateJwk, claims, { sub: agent.id, aud: audience });
}

/** `agent/register` with the host's JWT; the answer's agent (status pending or active) with its user code. */
export async function register(
  app: TestApp,
  host: Host,
  capabilities: readonly string[],
  extra: Record<string, unknown> = {},
): Promise<Agent> {
  const keys = await generateEd25519KeyPair();
  const answer = await call(app, "/api/auth/agent/register", {
    bearer: await hostJwt(app, host, { agentPublicJwk: keys.publicJwk }),
    body: { name: "agent", capabilities, mode: "delegated", ...extra },
  });
  if (answer.status !== 200) throw new Error(`register failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  host.id = String(answer.body.host_id);
  const approval = answer.body.approval as { user_code?: string } | undefined;
  return {
    keys,
    id: String(answer.body.agent_id),
    host,
    status: String(answer.body.status),
    ...(approval?.user_code ? { userCode: approval.user_code } : {}),
  };
}
