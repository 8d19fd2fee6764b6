/*
 * The attacker's raw protocol client: Ed25519 keys, host and agent JWTs with
 * any audience, and plain HTTP calls whose status and body the tests read.
 * Built on the SDK's key and JWT helpers (the same tokens any client signs),
 * never on the SDK's flows, so a test can send what a well-behaved client
 * never would.
 */
import { request as httpRequest } from "node:http";
import { importJWK, SignJWT } from "jose";
import { generateEd25519KeyPair, signAgentJwt, signHostJwt, type Ed25519KeyPair } from "../../../generated/sdk/index.js";
import type { TestApp } from "../../support/test-app.js";

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
export async function callWithHost(app: TestApp, path: string, host: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const url = new URL(path, app.baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: payload ? "POST" : "GET",
        headers: { ...headers, host, ...(payload ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(payload)) } : {}) },
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

export async function hostJwt(app: TestApp, host: Host, extra: { agentPublicJwk?: Ed25519KeyPair["publicJwk"]; audience?: string } = {}): Promise<string> {
  return signHostJwt({
    hostPrivateKey: host.keys.privateJwk,
    hostPublicJwk: host.keys.publicJwk,
    ...(host.id ? { hostId: host.id } : {}),
    audience: extra.audience ?? issuer(app),
    ...(extra.agentPublicJwk ? { agentPublicJwk: extra.agentPublicJwk } : {}),
    hostName: "attack host",
  });
}

export async function agentJwt(agent: Agent, audience: string | string[]): Promise<string> {
  if (typeof audience === "string") return signAgentJwt({ agentPrivateKey: agent.keys.privateJwk, agentId: agent.id, audience });
  // The SDK signs one audience; an attacker signs several.
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "EdDSA", typ: "agent+jwt" })
    .setSubject(agent.id)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setJti(crypto.randomUUID())
    .sign(await importJWK({ ...agent.keys.privateJwk }, "EdDSA"));
}

/** `agent/register` with the host's JWT; the answer's agent (status pending or active) with its user code. */
export async function register(app: TestApp, host: Host, capabilities: readonly string[], extra: Record<string, unknown> = {}): Promise<Agent> {
  const keys = await generateEd25519KeyPair();
  const answer = await call(app, "/api/auth/agent/register", {
    bearer: await hostJwt(app, host, { agentPublicJwk: keys.publicJwk }),
    body: { name: "agent", capabilities, mode: "delegated", ...extra },
  });
  if (answer.status !== 200) throw new Error(`register failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  host.id = String(answer.body.host_id);
  const approval = answer.body.approval as { user_code?: string } | undefined;
  return { keys, id: String(answer.body.agent_id), host, status: String(answer.body.status), ...(approval?.user_code ? { userCode: approval.user_code } : {}) };
}
