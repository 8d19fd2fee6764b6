/**
 * `npm run bench:codegen [-- --runs 3]`
 *
 * Side by side, in child processes of this one: our full `generate` (types,
 * routes, validators, capabilities, SDK) and openapi-typescript alone (types
 * only: the step we include, so our floor), on commerce.yaml and on Stripe's
 * spec. Prints median wall time, peak RSS and the ratio; then type-checks the
 * generated Stripe output with `tsc --noEmit` (0 errors required).
 *
 * Peak memory comes from GNU time (`/usr/bin/time -f %M`) when installed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { sharedSpec } from "./support/shared-specs.js";

const root = path.resolve(import.meta.dirname, "..");
const workDir = path.join(root, ".bench");
const specs = [
  { name: "commerce.yaml", file: path.join(root, "openapi/commerce.yaml") },
  { name: "stripe (468 ops)", file: sharedSpec("stripe-spec3-2023-09-12.yaml") },
];
const { runs } = parseArgs({ options: { runs: { type: "string", default: "3" } } }).values;
const runCount = Number(runs);
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

interface Sample {
  seconds: number;
  peakMb: number | undefined;
}

/** Runs a command once; wall time measured around the child, peak RSS from GNU time. */
function measure(command: string, args: string[], cwd = root): Sample {
  const started = performance.now();
  const result = gnuTime
    ? spawnSync(gnuTime, ["-f", "__peak_kb=%M", command, ...args], { cwd, encoding: "utf8" })
    : spawnSync(command, args, { cwd, encoding: "utf8" });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  const peak = /__peak_kb=(\d+)/.exec(result.stderr ?? "");
  return { seconds, peakMb: peak ? Number(peak[1]) / 1024 : undefined };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function summarize(samples: Sample[]): { seconds: number; peakMb: number | undefined } {
  const peaks = samples.map((sample) => sample.peakMb).filter((value): value is number => value !== undefined);
  return { seconds: median(samples.map((sample) => sample.seconds)), peakMb: peaks.length > 0 ? Math.max(...peaks) : undefined };
}

rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });
const rows: string[][] = [];
for (const spec of specs) {
  const ours: Sample[] = [];
  const floor: Sample[] = [];
  for (let run = 0; run < runCount; run++) {
    // A fresh output directory each run: every file is generated and written.
    const out = path.join(workDir, `out-${run}`);
    rmSync(out, { recursive: true, force: true });
    // The same entry point as `npm run generate`.
    ours.push(measure(process.execPath, ["codegen/bin/generate.mjs", "--quiet", "--spec", spec.file, "--out", out]));
    // Run from .bench/: openapi-typescript would otherwise lint with our redocly.yaml (our rules, not its defaults).
    const cli = path.join(root, "node_modules/openapi-typescript/bin/cli.js");
    floor.push(measure(process.execPath, [cli, spec.file, "-o", path.join(workDir, "ots.ts")], workDir));
  }
  const a = summarize(ours);
  const b = summarize(floor);
  const mb = (value: number | undefined) => (value === undefined ? "n/a" : `${value.toFixed(0)} MB`);
  rows.push([spec.name, "full generate", `${a.seconds.toFixed(2)} s`, mb(a.peakMb), `${(a.seconds / b.seconds).toFixed(2)}x`]);
  rows.push([spec.name, "openapi-typescript", `${b.seconds.toFixed(2)} s`, mb(b.peakMb), "1.00x"]);
}

const header = ["spec", "tool", `median wall (${runCount} runs)`, "peak RSS", "ratio"];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
console.log(line(header));
console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
for (const row of rows) console.log(line(row));

// Type-check the generated Stripe output (the last run of the Stripe spec is in out-<last>).
const stripeOut = path.join(workDir, `out-${runCount - 1}`);
writeFileSync(
  path.join(stripeOut, "tsconfig.json"),
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
const tsc = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", stripeOut], { cwd: root, encoding: "utf8" });
const errors = (tsc.stdout.match(/error TS\d+/g) ?? []).length;
console.log(`\ntsc --noEmit on generated Stripe output: ${errors} errors in ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (errors > 0) {
  console.log(tsc.stdout.split("\n").slice(0, 20).join("\n"));
  process.exitCode = 1;
}
