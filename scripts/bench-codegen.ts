/**
 * `npm run bench:codegen [-- --runs 3 --node /usr/bin/node --skip-tsc]`
 *
 * Side by side, in child processes of this one: our full `generate` (types,
 * routes, validators, capabilities, SDK) and openapi-typescript alone (types
 * only: the step we include, so our floor), on commerce.yaml, Stripe's spec and
 * GitHub's REST description. The two tools alternate run by run (which goes
 * first alternates too), so a neighbour's load falls on both alike; each is
 * warmed up once first (our bundle, both tools' compile cache). Prints median
 * wall time and peak RSS, the ratios, issue #15's targets with PASS/FAIL, then
 * type-checks the generated Stripe and GitHub output with `tsc --noEmit`
 * (0 errors required).
 *
 * Ours runs two ways. Cold: a fresh output directory each run, so no job cache
 * (`<out>/.codegen-cache/`, see codegen/job-cache-dir.ts): what a fresh
 * checkout or a new output directory costs, and the figure the targets are
 * checked against. Cache warm: every output file removed but the cache kept
 * from the run before (same spec), so all files are generated and written but
 * large specs' Ajv compilation and YAML come from the cache: what a re-run
 * after an edit that changes no schema costs (a changed schema misses only
 * the modules it is in). Shown beside, never used for PASS/FAIL.
 *
 * GitHub's description is `api.github.com.json` (from the npm package
 * `@octokit/openapi`, `generated/api.github.com.json`) in the shared specs
 * directory, or wherever `GITHUB_SPEC` points; without it that row is skipped
 * and its targets FAIL.
 *
 * Peak memory: GNU time (`/usr/bin/time -f %M`) when installed, otherwise the
 * child reports `process.resourceUsage().maxRSS` (worker threads included) at exit.
 * `--node` runs both tools on another Node binary (default: this one, which
 * `npm run` takes from the `node` devDependency).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { measureChild, PEAK_SOURCE, type Sample, summarize } from "./support/measure-child.js";
import { npmScriptNodeFlags } from "./support/npm-script-flags.js";
import { sharedSpec } from "./support/shared-specs.js";

const root = path.resolve(import.meta.dirname, "..");
const workDir = path.join(root, ".bench");
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    node: { type: "string", default: process.execPath },
    "skip-tsc": { type: "boolean", default: false },
  },
});
const runCount = Number(values.runs);
const node = values.node;
const githubSpec = process.env.GITHUB_SPEC ?? sharedSpec("api.github.com.json");

interface Spec {
  readonly key: "commerce" | "stripe" | "github";
  readonly name: string;
  readonly file: string;
}
const specs: Spec[] = [
  { key: "commerce", name: "commerce.yaml", file: path.join(root, "openapi/commerce.yaml") },
  { key: "stripe", name: "stripe (468 ops)", file: sharedSpec("stripe-spec3-2023-09-12.yaml") },
  { key: "github", name: "github (api.github.com)", file: githubSpec },
];

/** Runs `node args` once (from the project root unless told). */
const measure = (args: string[], cwd = root): Sample => measureChild(node, args, cwd);

const ots = path.join(root, "node_modules/openapi-typescript/bin/cli.js");
// As `npm run generate` runs it, with package.json's flags (so the generator has no reason to restart itself).
const GENERATE_FLAGS = npmScriptNodeFlags("generate", "codegen/bin/generate.mjs");
const ours = (spec: Spec, out: string) => [...GENERATE_FLAGS, "codegen/bin/generate.mjs", "--quiet", "--spec", spec.file, "--out", out];
// Run from .bench/: openapi-typescript would otherwise lint with our redocly.yaml (our rules, not its defaults).
const floor = (spec: Spec) => [ots, spec.file, "-o", path.join(workDir, "ots.ts")];
const outDir = (spec: Spec) => path.join(workDir, `out-${spec.key}`);
const warmOutDir = (spec: Spec) => path.join(workDir, `out-${spec.key}-warm`);
/** The job cache's directory in an output directory (codegen/job-cache-dir.ts's JOB_CACHE_DIR). */
const JOB_CACHE_DIR = ".codegen-cache";

rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });
const nodeVersion = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
console.log(`Node ${nodeVersion} (${node}); ${runCount} interleaved runs per tool and spec; peak RSS from ${PEAK_SOURCE}`);
const loadBefore = loadavg()[0]!;

// Warm-up, not timed: builds our bundle if a source changed and fills both tools' compile cache.
measure(ours(specs[0]!, path.join(workDir, "warm-up")));
measure(floor(specs[0]!), workDir);

const results = new Map<Spec["key"], { ours: Sample; warm: Sample; floor: Sample }>();
const rows: string[][] = [];
const mb = (value: number | undefined) => (value === undefined ? "n/a" : `${value.toFixed(0)} MB`);
for (const spec of specs) {
  if (!existsSync(spec.file)) {
    console.log(`${spec.name}: ${spec.file} not found, skipped (set GITHUB_SPEC)`);
    continue;
  }
  const ourSamples: Sample[] = [];
  const warmSamples: Sample[] = [];
  const floorSamples: Sample[] = [];
  // The warm directory's cache comes from one untimed run.
  rmSync(warmOutDir(spec), { recursive: true, force: true });
  measure(ours(spec, warmOutDir(spec)));
  for (let run = 0; run < runCount; run++) {
    // Cold: a fresh output directory each run, so every file is generated and written and no job is cached.
    const runOurs = () => {
      rmSync(outDir(spec), { recursive: true, force: true });
      ourSamples.push(measure(ours(spec, outDir(spec))));
    };
    // Cache warm: every file generated and written again, the jobs' results read from the cache.
    const runWarm = () => {
      for (const name of readdirSync(warmOutDir(spec))) {
        if (name !== JOB_CACHE_DIR) rmSync(path.join(warmOutDir(spec), name), { recursive: true, force: true });
      }
      warmSamples.push(measure(ours(spec, warmOutDir(spec))));
    };
    const runFloor = () => floorSamples.push(measure(floor(spec), workDir));
    for (const step of run % 2 === 0 ? [runOurs, runFloor, runWarm] : [runWarm, runFloor, runOurs]) step();
  }
  const a = summarize(ourSamples);
  const w = summarize(warmSamples);
  const b = summarize(floorSamples);
  results.set(spec.key, { ours: a, warm: w, floor: b });
  const times = (x: number | undefined, y: number | undefined) => (x !== undefined && y !== undefined ? `${(x / y).toFixed(2)}x` : "n/a");
  const cpu = (value: number | undefined) => (value === undefined ? "n/a" : `${value.toFixed(2)} s`);
  const all = (samples: Sample[]) => samples.map((sample) => sample.seconds.toFixed(2)).join(" ");
  for (const [tool, sample, samples] of [
    ["full generate, cold (no cache)", a, ourSamples],
    ["full generate, cache warm", w, warmSamples],
  ] as const) {
    rows.push([
      spec.name,
      tool,
      `${sample.seconds.toFixed(2)} s`,
      all(samples),
      times(sample.seconds, b.seconds),
      cpu(sample.cpuSeconds),
      times(sample.cpuSeconds, b.cpuSeconds),
      mb(sample.peakMb),
      times(sample.peakMb, b.peakMb),
    ]);
  }
  rows.push([
    spec.name,
    "openapi-typescript",
    `${b.seconds.toFixed(2)} s`,
    all(floorSamples),
    "1.00x",
    cpu(b.cpuSeconds),
    "1.00x",
    mb(b.peakMb),
    "1.00x",
  ]);
}

const header = ["spec", "tool", "median wall", "runs (s)", "wall ratio", "CPU (median)", "CPU ratio", "peak RSS (median)", "RSS ratio"];
printTable(header, rows);
const loadAfter = loadavg()[0]!;
console.log(
  `\nLoad average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${navigator.hardwareConcurrency} cores: other processes share this machine, so single runs are noisy; compare medians.`,
);

// Issue #15's targets, on the cold runs (a fresh output directory: no job cache).
const ratio = (key: Spec["key"], of: (sample: Sample) => number | undefined, which: "ours" | "warm" = "ours") => {
  const result = results.get(key);
  const a = result && of(result[which]);
  const b = result && of(result.floor);
  return a !== undefined && b !== undefined ? a / b : undefined;
};
const cpuNote = (key: Spec["key"]) => {
  const value = ratio(key, (s) => s.cpuSeconds);
  const warm = ratio(key, (s) => s.seconds, "warm");
  return `${value === undefined ? "" : `; CPU time ratio ${value.toFixed(2)}x`}${warm === undefined ? "" : `; cache warm, not the target: ${warm.toFixed(2)}x`}`;
};
const targets: [name: string, value: number | undefined, limit: number, unit: string, note: string][] = [
  ["stripe: full generate / openapi-typescript (wall)", ratio("stripe", (s) => s.seconds), 1.5, "x", cpuNote("stripe")],
  ["github: full generate / openapi-typescript (wall)", ratio("github", (s) => s.seconds), 1.0, "x", cpuNote("github")],
  ["commerce.yaml: full generate (wall)", results.get("commerce")?.ours.seconds, 1.0, " s", ""],
  [
    "github: peak RSS, full generate / openapi-typescript",
    ratio("github", (s) => s.peakMb),
    1.5,
    "x",
    ((warm) => (warm === undefined ? "" : `; cache warm, not the target: ${warm.toFixed(2)}x`))(ratio("github", (s) => s.peakMb, "warm")),
  ],
];
console.log("\nTargets (issue #15), on the cold runs:");
let failed = false;
for (const [name, value, limit, unit, note] of targets) {
  const pass = value !== undefined && value <= limit;
  failed ||= !pass;
  const shown = value === undefined ? "n/a" : `${value.toFixed(2)}${unit}`;
  console.log(`  ${pass ? "PASS" : "FAIL"}  ${name}: ${shown} (target ≤ ${limit.toFixed(1)}${unit}${note})`);
}

// Type-check the generated output of the large specs (the last run's output of each).
if (!values["skip-tsc"]) {
  console.log("");
  for (const key of ["stripe", "github"] as const) {
    const spec = specs.find((candidate) => candidate.key === key)!;
    if (!results.has(key)) continue;
    const errors = typecheck(outDir(spec), spec.name);
    failed ||= errors > 0;
  }
}
if (failed) process.exitCode = 1;

function typecheck(dir: string, name: string): number {
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        skipLibCheck: true,
        noEmit: true,
        types: ["node"],
      },
      include: ["./**/*.ts"],
    }),
  );
  const started = performance.now();
  const tsc = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", dir], { cwd: root, encoding: "utf8" });
  const errors = (tsc.stdout.match(/error TS\d+/g) ?? []).length;
  console.log(`tsc --noEmit on generated ${name} output: ${errors} errors in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (errors > 0 || tsc.status !== 0) console.log(`${tsc.stdout}${tsc.stderr}`.split("\n").slice(0, 20).join("\n"));
  return errors > 0 || tsc.status !== 0 ? Math.max(errors, 1) : 0;
}

function printTable(head: string[], body: string[][]): void {
  const widths = head.map((title, column) => Math.max(title.length, ...body.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  console.log(line(head));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const row of body) console.log(line(row));
}
