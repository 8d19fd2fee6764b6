import { describe, expect, it } from "vitest";
import { problemOfDomainError } from "../../src/http/domain-problems.js";
import { DomainError } from "../../src/services/domain-error.js";
import { decodeCursor, encodeCursor, toPage } from "../../src/services/keyset-cursor.js";

const ID = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";
const AT = "2025-03-14T09:26:53.123456Z";

describe("cursors", () => {
  it("round-trip, keeping microseconds", () => {
    const cursor = encodeCursor("orders", { createdAt: AT, id: ID });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor("orders", cursor)).toEqual({ createdAt: AT, id: ID });
  });

  it.each([
    { name: "garbage", cursor: "%%%" },
    { name: "another list's cursor", cursor: encodeCursor("products", { createdAt: AT, id: ID }) },
    { name: "milliseconds only", cursor: Buffer.from(JSON.stringify(["orders", "2025-03-14T09:26:53.123Z", ID])).toString("base64url") },
    { name: "month 13", cursor: Buffer.from(JSON.stringify(["orders", "2025-13-14T09:26:53.123456Z", ID])).toString("base64url") },
    { name: "an object", cursor: Buffer.from(JSON.stringify({ kind: "orders" })).toString("base64url") },
  ])("refuse $name with a 400 naming /query/cursor", ({ cursor }) => {
    const error = (() => {
      try {
        decodeCursor("orders", cursor);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect(problemOfDomainError(error)?.toJSON()).toMatchObject({
      status: 400,
      code: "validation_failed",
      errors: [{ pointer: "/query/cursor" }],
    });
  });
});

describe("toPage", () => {
  const rows = [1, 2, 3].map((n) => ({ id: `${n}`.repeat(8) + ID.slice(8), cursor_at: AT.replace("53", `5${n}`) }));

  it("cuts the look-ahead row and points the cursor at the last row kept", () => {
    const page = toPage("orders", rows, 2);
    expect(page.rows).toEqual(rows.slice(0, 2));
    expect(decodeCursor("orders", page.nextCursor!)).toEqual({ createdAt: rows[1]!.cursor_at, id: rows[1]!.id });
  });

  it("has no next cursor when there is no look-ahead row", () => {
    expect(toPage("orders", rows, 3)).toEqual({ rows, nextCursor: null });
  });
});
