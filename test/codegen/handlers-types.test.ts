import { beforeAll, describe, expect, it } from "vitest";
import { fixtureSpec, outDir } from "./support/paths.js";
import { checkSnippets, type SnippetDiagnostic } from "./support/snippet-diagnostics.js";
import { generateInto } from "./support/write-generated.js";

// The point of the generated `Handlers`: an incomplete or wrongly typed
// implementation is a compile error (typed-handlers.yaml: getPet 200|404, createPet 201).
const HEADER = 'import { createRouter, defaultContext, type Handlers } from "./routes.js";\n';

const GET_PET_OK = `getPet: (input) => input.params.pet_id === "0" ? { status: 404 } : { status: 200, body: { id: input.params.pet_id, name: "Rex" } },`;
const CREATE_PET_OK = `createPet: async (input) => ({ status: 201, body: { id: "p1", name: input.body.name } }),`;

const SNIPPETS = {
  correct: `${HEADER}const handlers: Handlers = {\n  ${GET_PET_OK}\n  ${CREATE_PET_OK}\n};\nexport const router = createRouter(handlers, { context: defaultContext });\n`,
  missingOperation: `${HEADER}export const handlers: Handlers = {\n  ${GET_PET_OK}\n};\n`,
  undeclaredStatus: `${HEADER}export const handlers: Handlers = {\n  getPet: () => ({ status: 418, body: { id: "p1", name: "Rex" } }),\n  ${CREATE_PET_OK}\n};\n`,
  wrongBody: `${HEADER}export const handlers: Handlers = {\n  getPet: () => ({ status: 200, body: { id: 42, name: "Rex" } }),\n  ${CREATE_PET_OK}\n};\n`,
  missingBody: `${HEADER}export const handlers: Handlers = {\n  ${GET_PET_OK}\n  createPet: async () => ({ status: 201 }),\n};\n`,
  bodyOfAnotherStatus: `${HEADER}export const handlers: Handlers = {\n  getPet: () => ({ status: 404, body: { id: "p1", name: "Rex" } }),\n  ${CREATE_PET_OK}\n};\n`,
  unknownInput: `${HEADER}export const handlers: Handlers = {\n  ${GET_PET_OK}\n  createPet: async (input) => ({ status: 201, body: { id: "p1", name: input.body.nickname } }),\n};\n`,
};

let found: Record<string, SnippetDiagnostic[]>;

function describeAll(diagnostics: readonly SnippetDiagnostic[]): string {
  return diagnostics.map((diagnostic) => `TS${diagnostic.code} line ${diagnostic.line}: ${diagnostic.message}`).join("\n");
}

beforeAll(async () => {
  const dir = outDir("handlers-types");
  await generateInto(dir, { specPath: fixtureSpec("typed-handlers.yaml") });
  found = checkSnippets(dir, SNIPPETS);
});

describe("generated Handlers types", () => {
  it("accept a complete, correctly typed implementation", () => {
    expect(describeAll(found.correct!)).toBe("");
  });

  it("reject a handlers object that misses an operation", () => {
    expect(found.missingOperation, describeAll(found.missingOperation!)).toContainEqual(
      expect.objectContaining({ code: 2741, message: expect.stringContaining("createPet") }),
    );
  });

  it.each([
    ["an undeclared status (418)", "undeclaredStatus", 2322, "Type '418' is not assignable to type '200'"],
    ["a body of the wrong type", "wrongBody", 2322, "Type 'number' is not assignable to type 'string'"],
    ["a declared status without its body", "missingBody", 2322, "Property 'body' is missing"],
    ["a body on a status that declares none", "bodyOfAnotherStatus", 2322, "is not assignable to type 'undefined'"],
    ["a field the request body does not have", "unknownInput", 2339, "Property 'nickname' does not exist"],
  ])("reject %s", (_, snippet, code, message) => {
    const diagnostics = found[snippet]!;
    expect(diagnostics, describeAll(diagnostics)).toContainEqual(
      expect.objectContaining({ code, message: expect.stringContaining(message) }),
    );
  });
});
