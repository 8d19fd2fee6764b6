/*
 * The import rules of docs/ARCHITECTURE.md are Biome rules (biome.jsonc), run
 * by `npm run lint`. This proves they bite: probe files that break each rule
 * (and some that keep it) are laid out like the repository in a temporary
 * directory, linted with the project's own configuration, and every
 * breaking probe must be reported under its rule while no keeping one is.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

const RESTRICTED = "lint/style/noRestrictedImports";
const CYCLE = "lint/suspicious/noImportCycles";

/** path → [source, the rule it must break, or null when it must pass] */
const PROBES: Record<string, [string, string | null]> = {
  "codegen/uses-product.ts": ['import { x } from "../src/db/schema.js";\nexport const y = x;\n', RESTRICTED],
  "codegen/uses-output.ts": ['import { x } from "../generated/routes.js";\nexport const y = x;\n', RESTRICTED],
  "src/db/uses-scripts.ts": ['import { x } from "../../scripts/seed.js";\nexport const y = x;\n', RESTRICTED],
  "src/http/uses-tests.ts": ['import { x } from "../../test/support/test-app.js";\nexport const y = x;\n', RESTRICTED],
  "src/services/uses-express.ts": ['import express from "express";\nexport const y = express;\n', RESTRICTED],
  "src/services/uses-http.ts": ['import { x } from "../http/app.js";\nexport const y = x;\n', RESTRICTED],
  "src/services/uses-auth.ts": ['import { x } from "../auth/principal.js";\nexport const y = x;\n', RESTRICTED],
  "src/services/uses-better-auth.ts": ['import { x } from "better-auth/api";\nexport const y = x;\n', RESTRICTED],
  "src/services/keeps-to-db.ts": [
    'import { sql } from "kysely";\nimport { x } from "../db/tenant-scope.js";\nexport const y = [sql, x];\n',
    null,
  ],
  "src/db/uses-auth.ts": ['import { x } from "../auth/create-auth.js";\nexport const y = x;\n', RESTRICTED],
  "src/db/uses-services.ts": ['import { x } from "../services/money.js";\nexport const y = x;\n', RESTRICTED],
  "src/handlers/uses-express.ts": ['import type { Request } from "express";\nexport type Y = Request;\n', RESTRICTED],
  "src/handlers/keeps-to-services.ts": ['import { x } from "../services/cart-service.js";\nexport const y = x;\n', null],
  "src/http/keeps-to-express.ts": ['import express from "express";\nexport const y = express;\n', null],
  "src/auth/cycle-a.ts": ['import { b } from "./cycle-b.js";\nexport const a = () => b;\n', CYCLE],
  "src/auth/cycle-b.ts": ['import { a } from "./cycle-a.js";\nexport const b = () => a;\n', CYCLE],
};

let dir: string;
let reported: Map<string, Set<string>>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "import-boundaries-"));
  // The project's configuration as is, minus the VCS link (the probe directory is no repository).
  const config = (await readFile(path.join(root, "biome.jsonc"), "utf8")).replace(
    '"enabled": true,\n    "clientKind": "git"',
    '"enabled": false,\n    "clientKind": "git"',
  );
  expect(config).toContain('"enabled": false');
  await writeFile(path.join(dir, "biome.jsonc"), config.replace('"$schema": "./node_modules/', `"$schema": "${root}/node_modules/`));
  for (const [file, [source]] of Object.entries(PROBES)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), source);
  }
  const biome = path.join(root, "node_modules/.bin/biome");
  const output = await run(biome, ["lint", "--colors=off", "--max-diagnostics=none", "."], { cwd: dir }).then(
    (done) => done.stdout + done.stderr,
    (failed: { stdout: string; stderr: string }) => failed.stdout + failed.stderr,
  );
  reported = new Map();
  for (const match of output.matchAll(/^(\S+\.ts):\d+:\d+ (lint\/\w+\/\w+)/gm)) {
    const rules = reported.get(match[1]!) ?? new Set<string>();
    rules.add(match[2]!);
    reported.set(match[1]!, rules);
  }
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("import boundaries (biome.jsonc)", () => {
  it.each(Object.entries(PROBES).filter(([, [, rule]]) => rule !== null))("refuses %s", (file, [, rule]) => {
    expect([...(reported.get(file) ?? [])]).toContain(rule);
  });

  it.each(Object.entries(PROBES).filter(([, [, rule]]) => rule === null))("allows %s", (file) => {
    expect([...(reported.get(file) ?? [])]).toEqual([]);
  });
});
