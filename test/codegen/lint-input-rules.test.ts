/*
 * The contract's input rules in redocly.yaml, run the way `npm run lint:spec`
 * runs them: every integer states a minimum and a maximum, and
 * `x-allow-control-characters` is `whitespace` or `all`, on string schemas
 * only. One clean fixture, broken one schema at a time, all linted by one
 * Redocly run.
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fixtureSpec, outDir, PROJECT_ROOT } from "./support/paths.js";

interface LintCase {
  readonly name: string;
  /** The fixture's `count`/`text` property schemas, as YAML lines replacing the clean ones. */
  readonly count?: string;
  readonly text?: string;
  readonly want: readonly string[];
}

const CLEAN_COUNT = "          type: integer\n          minimum: 0\n          maximum: 2147483647\n";
const CLEAN_TEXT = "          type: string\n          maxLength: 500\n          x-allow-control-characters: whitespace\n";

const CASES: readonly LintCase[] = [
  { name: "the clean fixture", want: [] },
  { name: "an integer without maximum", count: "          type: integer\n          minimum: 0\n", want: ["rule/integer-maximum"] },
  { name: "an integer without minimum", count: "          type: integer\n          maximum: 10\n", want: ["rule/integer-minimum"] },
  { name: "an unbounded integer", count: "          type: integer\n", want: ["rule/integer-maximum", "rule/integer-minimum"] },
  {
    name: "a nullable integer without maximum",
    count: "          type: [integer, 'null']\n          minimum: 0\n",
    want: ["rule/integer-maximum"],
  },
  {
    name: "exclusive bounds",
    count: "          type: integer\n          exclusiveMinimum: -1\n          exclusiveMaximum: 100\n",
    want: [],
  },
  {
    name: "an unknown allowance",
    text: "          type: string\n          x-allow-control-characters: yes\n",
    want: ["rule/allow-control-characters-value"],
  },
  {
    name: "an allowance on an integer",
    count: "          type: integer\n          minimum: 0\n          maximum: 9\n          x-allow-control-characters: all\n",
    want: ["rule/allow-control-characters-on-strings"],
  },
  {
    name: "an allowance on an untyped schema",
    text: "          maxLength: 5\n          x-allow-control-characters: all\n",
    want: ["rule/allow-control-characters-on-strings"],
  },
  { name: "`all` on a string", text: "          type: string\n          x-allow-control-characters: all\n", want: [] },
];

interface LintReport {
  problems: { ruleId: string; location: { source: { ref: string } }[] }[];
}

const dir = outDir("lint-input-rules");
const specOf = (index: number) => path.join(dir, `case-${index}.yaml`);
let ruleIdsByFile: Map<string, string[]>;

/** Runs the Redocly CLI with the project's redocly.yaml over every case at once (one start-up): one report per file. */
function lint(files: readonly string[]): Promise<LintReport[]> {
  const cli = path.join(PROJECT_ROOT, "node_modules/@redocly/cli/bin/cli.js");
  const args = [cli, "lint", "--config", path.join(PROJECT_ROOT, "redocly.yaml"), "--format", "json", "--max-problems", "1000", ...files];
  return new Promise((resolve, reject) => {
    // Exit code 1 means "problems found": the JSON reports are what we read.
    execFile(process.execPath, args, { cwd: PROJECT_ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error && typeof error.code !== "number") return reject(error);
      try {
        // The reports are printed back to back: the top-level `}` of one and the `{` of the next share a line.
        resolve(stdout.split(/(?<=^\})(?=\{$)/m).map((text) => JSON.parse(text) as LintReport));
      } catch (parseError) {
        reject(parseError);
      }
    });
  });
}

beforeAll(async () => {
  const clean = await readFile(fixtureSpec("lint/input-bounds.yaml"), "utf8");
  expect(clean).toContain(CLEAN_COUNT);
  expect(clean).toContain(CLEAN_TEXT);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await Promise.all(
    CASES.map((item, index) =>
      writeFile(specOf(index), clean.replace(CLEAN_COUNT, item.count ?? CLEAN_COUNT).replace(CLEAN_TEXT, item.text ?? CLEAN_TEXT)),
    ),
  );
  const reports = await lint(CASES.map((_, index) => specOf(index)));
  ruleIdsByFile = new Map();
  for (const problem of reports.flatMap((report) => report.problems)) {
    const file = path.basename(problem.location[0]!.source.ref);
    ruleIdsByFile.set(file, [...(ruleIdsByFile.get(file) ?? []), problem.ruleId]);
  }
});

describe("lint: integer bounds and the control-character allowance", () => {
  it.each(CASES.map((item, index) => ({ ...item, index })))("$name → $want", ({ index, want }) => {
    expect((ruleIdsByFile.get(path.basename(specOf(index))) ?? []).sort()).toEqual([...want].sort());
  });
});
