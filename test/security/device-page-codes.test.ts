/*
 * The device page with a wrong code: it used to show the agent's name,
 * message and capabilities to anyone signed in, and code-only lookups never
 * counted toward the 5-try limit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_USER_CODE_FAILURES, userCodeFailures } from "../../src/agents/approvals/approval-code-failures.js";
import { MAX_CODE_LOOKUP_FAILURES } from "../../src/agents/approvals/user-code-lookups.js";
import { agentRow, startWorld, type World } from "./support/attack-world.js";
import { newHost, register } from "./support/protocol-client.js";

async function page(world: World, query: string, cookie: string): Promise<{ status: number; text: string; location: string | null }> {
  const response = await fetch(`${world.app.baseUrl}/device/capabilities?${query}`, { headers: { cookie }, redirect: "manual" });
  return { status: response.status, text: await response.text(), location: response.headers.get("location") };
}

/** A form token for `cookie`'s browser: the signed-out page's sign-in form sets the CSRF cookie and carries its token. */
async function formToken(world: World, cookie: string): Promise<{ cookie: string; token: string }> {
  const signedOut = await fetch(`${world.app.baseUrl}/device/capabilities`);
  const csrfCookie = signedOut.headers
    .getSetCookie()
    .map((value) => value.split(";")[0])
    .join("; ");
  const token = /name="csrf" value="([^"]+)"/.exec(await signedOut.text())?.[1] ?? "";
  return { cookie: `${cookie}; ${csrfCookie}`, token };
}

async function post(world: World, cookie: string, fields: Record<string, string>): Promise<{ status: number; text: string }> {
  const form = await formToken(world, cookie);
  const response = await fetch(`${world.app.baseUrl}/device/capabilities`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: form.cookie, origin: world.app.baseUrl },
    body: new URLSearchParams({ csrf: form.token, ...fields }),
    redirect: "manual",
  });
  return { status: response.status, text: await response.text() };
}

async function grantStatuses(world: World, agentId: string): Promise<string[]> {
  const rows = await world.app.db.selectFrom("agentCapabilityGrant").select("status").where("agentId", "=", agentId).execute();
  return rows.map((row) => row.status);
}

describe("attack: reading or guessing a device approval", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world?.close());

  it("a wrong code in the link reveals nothing about the agent, and counts", async () => {
    const agent = await register(world.app, await newHost(), ["listProducts", "placeOrder"], {
      name: "Secret Shopper",
      reason: "buy the red shoes",
    });
    const wrong = await page(world, `agent_id=${agent.id}&code=AAAA-BBBB`, world.stranger.cookie);
    // Counted, then sent (303) to a page without the code: reloading it counts nothing more.
    expect(wrong.status).toBe(303);
    expect(wrong.location).toBe(`/device/capabilities?agent_id=${agent.id}&retry=code`);
    expect(wrong.text).not.toContain("Secret Shopper");
    const retry = await page(world, `agent_id=${agent.id}&retry=code`, world.stranger.cookie);
    expect(retry.status).toBe(200);
    for (const secret of ["Secret Shopper", "placeOrder", "buy the red shoes"]) expect(retry.text).not.toContain(secret);
    expect(retry.text).toContain(`name="agent_id" value="${agent.id}"`);
    await page(world, `agent_id=${agent.id}&retry=code`, world.stranger.cookie);
    expect(await userCodeFailures(world.app.db, agent.id)).toBe(1);
    const right = await page(world, `agent_id=${agent.id}&code=${agent.userCode}`, world.ownerA.cookie);
    expect(right.status).toBe(200);
    expect(right.text).toContain("Secret Shopper");
    expect(right.text).toContain("buy the red shoes");
    // The rest of the tries go (corrections typed on the page are the same request: one try each), and then even the right code is refused.
    for (let attempt = 2; attempt <= MAX_USER_CODE_FAILURES; attempt += 1) {
      expect((await page(world, `agent_id=${agent.id}&code=AAAA-BBB${attempt}`, world.stranger.cookie)).status).toBe(303);
      expect(await userCodeFailures(world.app.db, agent.id)).toBe(attempt);
    }
    const closed = await page(world, `agent_id=${agent.id}&code=${agent.userCode}`, world.ownerA.cookie);
    expect(closed.status).toBe(403);
    expect(closed.text).not.toContain("Secret Shopper");
    expect(await agentRow(world, agent.id)).toMatchObject({ status: "rejected" });
  });

  it("code-only lookups are limited per user", async () => {
    const agent = await register(world.app, await newHost(), ["listProducts"]);
    for (let attempt = 1; attempt <= MAX_CODE_LOOKUP_FAILURES; attempt += 1) {
      const wrong = await page(world, `code=ZZZZ-ZZZ${attempt}`, world.memberA.cookie);
      expect(wrong.status).toBe(303);
      expect(wrong.location).toBe("/device/capabilities?retry=lookup");
    }
    const blocked = await page(world, `code=${agent.userCode}`, world.memberA.cookie);
    expect(blocked.status).toBe(429);
    // Another user is not blocked by the first one's guesses.
    expect((await page(world, `code=${agent.userCode}`, world.ownerA.cookie)).status).toBe(200);
  });

  it("a refused form (wrong code, nothing ticked) shows nothing of the agent and counts the code", async () => {
    const agent = await register(world.app, await newHost(), ["listProducts"], { name: "Hidden Helper" });
    const refused = await post(world, world.memberA.cookie, { agent_id: agent.id, code: "AAAA-CCCC", decision: "approve" });
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain("Hidden Helper");
    expect(refused.text).not.toContain("listProducts");
    expect(await userCodeFailures(world.app.db, agent.id)).toBe(1);
    // A wrong code on the form (approve or deny) counts once, and the page offers the code field, not the agent.
    const approve = await post(world, world.ownerA.cookie, {
      agent_id: agent.id,
      code: "AAAA-DDDD",
      decision: "approve",
      capabilities: "listProducts",
      organization_id: world.ownerA.organizationId,
    });
    expect(approve.status).toBe(403);
    expect(approve.text).not.toContain("Hidden Helper");
    expect(approve.text).toContain('name="code"');
    expect(await userCodeFailures(world.app.db, agent.id)).toBe(2);
    const deny = await post(world, world.ownerA.cookie, { agent_id: agent.id, code: "AAAA-EEEE", decision: "deny" });
    expect(deny.status).toBe(403);
    expect(await userCodeFailures(world.app.db, agent.id)).toBe(3);
    expect(await grantStatuses(world, agent.id)).toEqual(["pending"]);
  });

  it("a link cannot preset the approval form: only the server's sealed choices are honoured", async () => {
    const agent = await register(world.app, await newHost(), ["listProducts", "placeOrder"]);
    const choices = Buffer.from(JSON.stringify({ capabilities: [], organizationId: undefined })).toString("base64url");
    for (const extra of [`resume=${choices}`, `resume=${choices}&resume_seal=forged`]) {
      const shown = await page(world, `agent_id=${agent.id}&code=${agent.userCode}&${extra}`, world.ownerA.cookie);
      expect(shown.status).toBe(200);
      // The defaults: every capability ticked, no "as you left them".
      expect(shown.text.match(/name="capabilities" value="[^"]+" checked/g)).toHaveLength(2);
      expect(shown.text).not.toContain("as you left them");
    }
    expect(await userCodeFailures(world.app.db, agent.id)).toBe(0);
  });

  it("the result page shows only the viewer's own agents", async () => {
    const agent = await register(world.app, await newHost(), ["listProducts"], { name: "Private Agent" });
    const approved = await post(world, world.ownerA.cookie, {
      agent_id: agent.id,
      code: agent.userCode!,
      decision: "approve",
      capabilities: "listProducts",
      organization_id: world.ownerA.organizationId,
    });
    expect(approved.status).toBe(303);
    const path = `/device/capabilities/result?agent=${agent.id}&decision=approved`;
    const own = await fetch(`${world.app.baseUrl}${path}`, { headers: { cookie: world.ownerA.cookie } });
    expect(own.status).toBe(200);
    expect(await own.text()).toContain("Private Agent");
    for (const person of [world.ownerB, world.stranger]) {
      const theirs = await fetch(`${world.app.baseUrl}${path}`, { headers: { cookie: person.cookie } });
      expect(theirs.status).toBe(404);
      const text = await theirs.text();
      expect(text).not.toContain("Private Agent");
      expect(text).not.toContain("listProducts");
    }
  });
});
