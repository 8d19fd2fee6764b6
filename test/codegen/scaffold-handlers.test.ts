/*
 * `npm run generate -- --scaffold` on a copy of src/handlers: the contract
 * plus three operations (test/fixtures/specs/scaffold/new-operations.yaml),
 * one for a tag with a handler file, two for a tag without. Each stub lands in
 * the file of its first tag, the rest of every file is byte-identical, a new
 * file is registered in index.ts, a second run changes nothing, and the
 * handlers type-check against the generated `Handlers`.
 */
import { cp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Project, ts } from "ts-morph";
import { beforeAll, describe, expect, it } from "vitest";
import { handlerFileOfTag } from "../../codegen/scaffold/handler-files.js";
import { COMMERCE_SPEC, fixtureSpec, outDir, PROJECT_ROOT } from "./support/paths.js";
import { type CliRun, runCli } from "./support/run-cli.js";

const ROOT = outDir("scaffold-handlers");
const HANDLERS = path.join(ROOT, "src/handlers");
const GENERATED = path.join(ROOT, "generated");
const SPEC = path.join(ROOT, "openapi/commerce.yaml");
const REAL_HANDLERS = path.join(PROJECT_ROOT, "src/handlers");

/** The contract with the fixture's path items added at the top of `paths`. */
async function writeSpec(): Promise<void> {
  const contract = await readFile(COMMERCE_SPEC, "utf8");
  const added = (await readFile(fixtureSpec("scaffold/new-operations.yaml"), "utf8"))
    .split("\n")
    .filter((line) => !line.startsWith("#"))
    .map((line) => (line === "" ? line : `  ${line}`))
    .join("\n");
  expect(contract).toContain("\npaths:\n");
  await mkdir(path.dirname(SPEC), { recursive: true });
  await writeFile(SPEC, contract.replace("\npaths:\n", `\npaths:\n${added}`));
}

async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) files.set(name, await readFile(path.join(dir, name), "utf8"));
  return files;
}

const scaffold = () => runCli(["--spec", SPEC, "--out", GENERATED, "--handlers", HANDLERS, "--scaffold", "--quiet"]);

/** `text` without `piece`, which must occur exactly once. */
function without(text: string, piece: string): string {
  expect(text.split(piece), `expected once: ${piece}`).toHaveLength(2);
  return text.replace(piece, "");
}

describe("generate --scaffold", () => {
  let original: Map<string, string>;
  let first: CliRun;
  let after: Map<string, string>;

  beforeAll(async () => {
    await rm(ROOT, { recursive: true, force: true });
    await writeSpec();
    await cp(REAL_HANDLERS, HANDLERS, { recursive: true });
    original = await snapshot(HANDLERS);
    first = await scaffold();
    after = await snapshot(HANDLERS);
  }, 120_000);

  it("reports a stub per operation no handler provides", () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe("");
    expect(first.stdout).toContain("handlers/carts-handlers.ts: stub for getCartSummary (501 not_implemented)");
    expect(first.stdout).toContain("handlers/gift-cards-handlers.ts: stub for listGiftCards");
    expect(first.stdout).toContain("handlers/gift-cards-handlers.ts: stub for createGiftCard");
    expect(first.stdout).toMatch(/created .*handlers\/gift-cards-handlers\.ts \(registered in index\.ts\)/);
  });

  it("adds the stub to the file of the first tag, extending its union, and leaves the rest byte-identical", () => {
    const carts = after.get("carts-handlers.ts")!;
    let rest = without(carts, 'import { DomainError } from "../services/domain-error.js";\n');
    rest = without(rest, ' | "getCartSummary";');
    rest = without(
      rest,
      `    async getCartSummary(_input, _context) {
      throw new DomainError("not_implemented", "GET /v1/carts/{cart_id}/summary (getCartSummary) is not implemented yet.");
    },
`,
    );
    expect(rest.replace('"removeCartItem"', '"removeCartItem";')).toBe(original.get("carts-handlers.ts"));
  });

  it("creates a file of the same shape for a tag without one, and registers it in index.ts", () => {
    const created = after.get("gift-cards-handlers.ts")!;
    expect(handlerFileOfTag("Gift cards")).toEqual({
      fileName: "gift-cards-handlers.ts",
      factoryName: "createGiftCardsHandlers",
      operationsTypeName: "GiftCardsOperations",
    });
    expect(created).toContain('type GiftCardsOperations = "listGiftCards" | "createGiftCard";');
    expect(created).toContain(
      "export function createGiftCardsHandlers(_db: Kysely<Database>): Pick<Handlers<AppContext>, GiftCardsOperations> {",
    );
    expect(created).toContain('throw new DomainError("not_implemented", "POST /v1/gift-cards (createGiftCard) is not implemented yet.");');

    let index = without(after.get("index.ts")!, 'import { createGiftCardsHandlers } from "./gift-cards-handlers.js";\n');
    index = without(index, "    ...createGiftCardsHandlers(db),\n");
    expect(index).toBe(original.get("index.ts"));
  });

  it("touches no other file", () => {
    const touched = [...after.keys()].filter((name) => original.get(name) !== after.get(name)).sort();
    expect(touched).toEqual(["carts-handlers.ts", "gift-cards-handlers.ts", "index.ts"]);
  });

  it("is idempotent: a second run changes nothing", async () => {
    const second = await scaffold();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("every operation has a handler");
    expect(await snapshot(HANDLERS)).toEqual(after);
  }, 60_000);

  it("type-checks: the scaffolded handlers against the generated Handlers, in the project's layout", async () => {
    // The project's own program, with generated/ and src/handlers/ replaced by the scaffolded copies.
    const project = new Project({ tsConfigFilePath: path.join(PROJECT_ROOT, "tsconfig.json"), skipAddingFilesFromTsConfig: true });
    for (const [name, text] of await snapshot(HANDLERS))
      project.createSourceFile(path.join(REAL_HANDLERS, name), text, { overwrite: true });
    for (const file of await listTypeScript(GENERATED)) {
      const text = await readFile(path.join(GENERATED, file), "utf8");
      project.createSourceFile(path.join(PROJECT_ROOT, "generated", file), text, { overwrite: true });
    }
    const checked = ["index.ts", "carts-handlers.ts", "gift-cards-handlers.ts"].map((name) =>
      project.getSourceFileOrThrow(path.join(REAL_HANDLERS, name)),
    );
    const diagnostics = checked.flatMap((file) =>
      file
        .getPreEmitDiagnostics()
        .map(
          (diagnostic) =>
            `${file.getBaseName()}:${diagnostic.getLineNumber()}: ${ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, " ")}`,
        ),
    );
    expect(diagnostics).toEqual([]);

    // The check bites: in the same program, the generated Handlers has the new operations and a missing one is an error.
    const probe = project.createSourceFile(
      path.join(REAL_HANDLERS, "__probe.ts"),
      'import type { Handlers } from "../../generated/routes.js";\nexport const missing: Pick<Handlers, "createGiftCard"> = {};\n',
    );
    expect(probe.getPreEmitDiagnostics().map((diagnostic) => diagnostic.getCode())).toEqual([2741]);
  }, 120_000);
});

async function listTypeScript(dir: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listTypeScript(dir, relative)));
    else if (entry.name.endsWith(".ts")) files.push(relative);
  }
  return files;
}
