import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MemoryReplayStore } from "../../src/agents/principal/memory-replay-store.js";

const inAMinute = () => Date.now() + 60_000;

describe("MemoryReplayStore", () => {
  it("refuses an id while it is live, and only that id", async () => {
    const store = new MemoryReplayStore();
    const agent = randomUUID();
    expect(await store.claim(`${agent}:one`, inAMinute())).toBe(true);
    expect(await store.claim(`${agent}:one`, inAMinute())).toBe(false);
    expect(await store.claim(`${agent}:two`, inAMinute())).toBe(true);
    // The same jti from another agent is another token.
    expect(await store.claim(`${randomUUID()}:one`, inAMinute())).toBe(true);
  });

  it("accepts an id again once its time is over, and keeps an extended one", async () => {
    const store = new MemoryReplayStore();
    expect(await store.claim("a:expired", Date.now() - 1)).toBe(true);
    expect(await store.claim("a:expired", inAMinute())).toBe(true);
    expect(await store.claim("a:extended", Date.now() + 50)).toBe(true);
    await store.extend("a:extended", inAMinute());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await store.claim("a:extended", inAMinute())).toBe(false);
  });

  it("holds a token life's worth of one instance's fastest agent traffic without refusing anyone", async () => {
    // ~4,000 verified tokens a second for 90 s: one agent at full speed must not fill the store for every other agent.
    const store = new MemoryReplayStore();
    const busy = randomUUID();
    const ids = Array.from({ length: 400_000 }, () => `${busy}:${randomUUID()}`);
    let refused = 0;
    for (const id of ids) if (!(await store.claim(id, inAMinute()))) refused += 1;
    expect(refused).toBe(0);
    expect(await store.claim(`${randomUUID()}:${randomUUID()}`, inAMinute())).toBe(true);
    expect(await store.claim(ids[0]!, inAMinute())).toBe(false);
    expect(await store.claim(ids.at(-1)!, inAMinute())).toBe(false);
  });

  it("refuses new ids when full of live ones, rather than forget one that may come back", async () => {
    const store = new MemoryReplayStore(2);
    expect(await store.claim("a:1", inAMinute())).toBe(true);
    expect(await store.claim("a:2", inAMinute())).toBe(true);
    expect(await store.claim("a:3", inAMinute())).toBe(false);
    expect(await store.claim("a:1", inAMinute())).toBe(false);
  });
});
