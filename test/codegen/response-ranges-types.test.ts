import { beforeAll, describe, expect, it } from "vitest";
import { fixtureSpec, outDir } from "./support/paths.js";
import { checkSnippets, type SnippetDiagnostic } from "./support/snippet-diagnostics.js";
import { generateInto } from "./support/write-generated.js";

// content-types.yaml: postMessage declares 201, 4XX and default (JSON or form
// body); deleteMessage declares 204 and 4XX only; getMessageText answers text/plain.
const HEADER = 'import type { Handlers } from "./routes.js";\n';
const PROBLEM = (status: number) => `{ title: "Nope", status: ${status} }`;
const POST_OK = `postMessage: (input) => ({ status: 201, body: { id: "m1", text: input.body.text } }),`;
const DELETE_OK = "deleteMessage: () => ({ status: 204 }),";
const TEXT_OK = 'getMessageText: () => ({ status: 200, body: "hello" }),';

function handlers(overrides: { post?: string; delete?: string; text?: string }): string {
  return `${HEADER}export const handlers: Handlers = {\n  ${overrides.post ?? POST_OK}\n  ${overrides.delete ?? DELETE_OK}\n  ${overrides.text ?? TEXT_OK}\n};\n`;
}

const SNIPPETS = {
  correct: handlers({}),
  statusInRange: handlers({ delete: `deleteMessage: () => ({ status: 409, body: ${PROBLEM(409)} }),` }),
  statusByDefault: handlers({ post: `postMessage: () => ({ status: 503, body: ${PROBLEM(503)} }),` }),
  formOrJsonBody: handlers({
    post: `postMessage: (input) => ({ status: 201, body: { id: "m1", text: input.body.text + String(input.body.priority ?? 0) } }),`,
  }),
  statusOutsideRange: handlers({ delete: `deleteMessage: () => ({ status: 500, body: ${PROBLEM(500)} }),` }),
  successStatusWithProblemBody: handlers({ delete: `deleteMessage: () => ({ status: 200, body: ${PROBLEM(200)} }),` }),
  textBodyNotString: handlers({ text: 'getMessageText: () => ({ status: 200, body: { text: "hello" } }),' }),
};

let found: Record<string, SnippetDiagnostic[]>;

function describeAll(diagnostics: readonly SnippetDiagnostic[]): string {
  return diagnostics.map((diagnostic) => `TS${diagnostic.code} line ${diagnostic.line}: ${diagnostic.message}`).join("\n");
}

beforeAll(async () => {
  const dir = outDir("response-ranges-types");
  await generateInto(dir, { specPath: fixtureSpec("content-types.yaml") });
  found = checkSnippets(dir, SNIPPETS);
});

describe("result types of ranges, default and text responses", () => {
  it.each([
    ["declared statuses and bodies", "correct"],
    ["a status inside a declared 4XX range", "statusInRange"],
    ["any status when `default` is declared", "statusByDefault"],
    ["a JSON-or-form request body typed by its schema", "formOrJsonBody"],
  ])("accept %s", (_, snippet) => {
    expect(describeAll(found[snippet]!)).toBe("");
  });

  it.each([
    ["a status outside 4XX when there is no default (500)", "statusOutsideRange"],
    ["a 2XX status with the 4XX range's body (200)", "successStatusWithProblemBody"],
    ["a non-string text/plain body", "textBodyNotString"],
  ])("reject %s", (_, snippet) => {
    const diagnostics = found[snippet]!;
    expect(
      diagnostics.map((diagnostic) => diagnostic.code),
      "expected a compile error",
    ).toContain(2322);
  });
});
