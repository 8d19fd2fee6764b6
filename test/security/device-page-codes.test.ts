/*
 * The device page with a wrong code: it used to show the agent's name,
 * message and capabilities to anyone signed in, and code-only lookups never
 * counted toward the 5-try limit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_USER_CODE_FAILURES } from "../../src/agents/approvals/approval-code-failures.js";
import { MAX_CODE_LOOKUP_FAILURES } from "../../src/agents/approvals/user-code-lookups.js";
import { agentRow, startWorld, type World } from "./support/attack-world.js";
import { newHost, register } from "./support/protocol-client.js";

async function page(world: World, query: string, cookie: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${world.app.baseUrl}/device/capabilities?${query}`, { headers: { cookie } });
  return { status: response.status, text: await response.text() };
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
    expect(wrong.status).toBe(403);
    expect(wrong.text).not.toContain("Secret Shopper");
    expect(wrong.text).not.toContain("placeOrder");
    const right = await page(world, `agent_id=${agent.id}&code=${agent.userCode}`, world.ownerA.cookie);
    expect(right.status).toBe(200);
    expect(right.text).toContain("Secret Shopper");
    // The rest of the tries go, and then even the right code is refused.
    for (let attempt = 2; attempt <= MAX_USER_CODE_FAILURES; attempt += 1) {
      expect((await page(world, `agent_id=${agent.id}&code=AAAA-BBB${attempt}`, world.stranger.cookie)).status).toBe(403);
    }
    const closed = await page(world, `agent_id=${agent.id}&code=${agent.userCode}`, world.ownerA.cookie);
    expect(closed.status).toBe(403);
    expect(closed.text).not.toContain("Secret Shopper");
    expect(await agentRow(world, agent.id)).toMatchObject({ status: "rejected" });
  });

  it("code-only lookups are limited per user", async () => {
    const agent = await register(world.app, await newHost(), ["listProducts"]);
    for (let attempt = 1; attempt <= MAX_CODE_LOOKUP_FAILURES; attempt += 1) {
      expect((await page(world, `code=ZZZZ-ZZZ${attempt}`, world.memberA.cookie)).status).toBe(404);
    }
    const blocked = await page(world, `code=${agent.userCode}`, world.memberA.cookie);
    expect(blocked.status).toBe(429);
    // Another user is not blocked by the first one's guesses.
    expect((await page(world, `code=${agent.userCode}`, world.ownerA.cookie)).status).toBe(200);
  });
});
