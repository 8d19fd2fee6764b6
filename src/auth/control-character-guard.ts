import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import { refusal } from "../agents/plugin/guards/refusal.js";

/**
 * Routes whose arguments the contract's own validators check (so a bad
 * argument is a problem+json naming it, exactly as on `/v1`), not this guard.
 */
const CONTRACT_VALIDATED_PATHS: ReadonlySet<string> = new Set(["/capability/execute", "/capability/batch-execute"]);

/** Only their hash is stored, so no character harms the database; refusing one could lock its owner out. */
const SECRET_FIELDS: ReadonlySet<string> = new Set(["password", "newPassword", "currentPassword"]);

/** Multi-line free text shown to a merchant (agent-auth's registration and capability requests): TAB, LF, CR allowed. */
const FREE_TEXT_FIELDS: ReadonlySet<string> = new Set(["reason", "binding_message"]);

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this guard's job.
const CONTROL = /[\x00-\x1F\x7F]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above.
const CONTROL_BUT_WHITESPACE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/;

/** Where a control character was found: the JSON pointer of the field (or key) and the character. */
export interface ControlCharacterFinding {
  readonly pointer: string;
  readonly char: string;
}

/**
 * The contract's text hygiene rule (see codegen/schema/control-characters.ts)
 * for Better Auth's own endpoints (`sign-up/email`, `update-user`,
 * `organization/*`, `api-key/*`, agent-auth's `agent/register`,
 * `agent/update`, `host/create`, `host/update`…): any string in the JSON
 * body or the query, object keys included and at any depth, holding
 * U+0000–U+001F or U+007F is refused with 400
 * `{ error: "invalid_characters", message }` naming the field by JSON
 * pointer (`/body/name`), before the endpoint or any other plugin's hook
 * touches the database (PostgreSQL refuses U+0000 in text with an error
 * that would be a 500). `reason` and `binding_message` may hold TAB, LF and
 * CR; passwords are not checked.
 *
 * Listed right after the route firewall so it runs before every other hook.
 * Applies to every route (a route a dependency adds is covered too) but
 * `capability/execute` and `batch-execute`, whose arguments the generated
 * validators check.
 */
export function controlCharacterGuard(): BetterAuthPlugin {
  return {
    id: "commerce-control-character-guard",
    hooks: {
      before: [
        {
          matcher: (ctx) => !CONTRACT_VALIDATED_PATHS.has(ctx.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            const finding = findControlCharacter(ctx.body, "/body") ?? findControlCharacter(ctx.query, "/query");
            if (!finding) return;
            throw refusal(
              "invalid_characters",
              `${visible(finding.pointer)} contains the control character ${codePoint(finding.char)}: text may not hold U+0000–U+001F or U+007F (reason and binding_message may hold tabs and line breaks).`,
              "BAD_REQUEST",
            );
          }),
        },
      ],
    },
  };
}

/**
 * The first control character in `value` (strings, object keys, nested
 * objects and arrays), depth first in document order. Iterative, so a
 * deeply nested body cannot exhaust the stack.
 *
 * @example
 * findControlCharacter({ name: "a\u0000" }, "/body") // { pointer: "/body/name", char: "\u0000" }
 */
export function findControlCharacter(value: unknown, pointer: string): ControlCharacterFinding | undefined {
  const pending: { value: unknown; pointer: string; field: string | undefined }[] = [{ value, pointer, field: undefined }];
  while (pending.length > 0) {
    const item = pending.pop()!;
    if (typeof item.value === "string") {
      if (item.field !== undefined && SECRET_FIELDS.has(item.field)) continue;
      const rule = item.field !== undefined && FREE_TEXT_FIELDS.has(item.field) ? CONTROL_BUT_WHITESPACE : CONTROL;
      const match = rule.exec(item.value);
      if (match) return { pointer: item.pointer, char: match[0] };
    } else if (Array.isArray(item.value)) {
      // Reversed onto the stack, so items are visited in order; items inherit their array's field name.
      for (let index = item.value.length - 1; index >= 0; index -= 1) {
        pending.push({ value: item.value[index], pointer: `${item.pointer}/${index}`, field: item.field });
      }
    } else if (typeof item.value === "object" && item.value !== null) {
      const entries = Object.entries(item.value);
      for (const [key] of entries) {
        const match = CONTROL.exec(key);
        if (match) return { pointer: `${item.pointer}/${escapePointer(key)}`, char: match[0] };
      }
      for (const [key, child] of entries.reverse())
        pending.push({ value: child, pointer: `${item.pointer}/${escapePointer(key)}`, field: key });
    }
  }
  return undefined;
}

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** A pointer whose keys hold control characters, readable in a message: `/body/a\u0000`. */
function visible(pointer: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: made visible, so a log line cannot be forged with them.
  return pointer.replace(/[\x00-\x1F\x7F]/g, (char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, "0")}`);
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}
