/**
 * `npm run profile:codegen [-- --spec <file> --runs 3 --node <binary>]`
 *
 * Where a cold `generate` spends its CPU, by phase and thread, and the floor
 * that puts under its wall time. It answers issue #15's question "what is
 * the floor" for the generator targets (bench:codegen compares the same run
 * with openapi-typescript, the targets' yardstick).
 *
 * 1. `--runs` unprofiled cold runs of ours and of openapi-typescript,
 *    alternating (medians: wall, and CPU time of all threads);
 * 2. one cold run under `--cpu-prof`, whose per-thread profiles give each
 *    phase's share (scripts/support/cpu-profile.ts; profiling slows a run a
 *    little, so the profiled figures are scaled to the unprofiled CPU time);
 * 3. the floor: the main thread's way to the bundled document, which every
 *    job needs, plus the rest of the CPU time split evenly over the threads;
 *    with every output, and without the two a server does not need (the
 *    test-time response validators, the YAML copy of openapi.json).
 *
 * Default spec: Stripe's (the shared specs directory).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { type CpuProfile, type Phase, phaseTimes } from "./support/cpu-profile.js";
import { measureChild, type Sample, summarize } from "./support/measure-child.js";
import { npmScriptNodeFlags } from "./support/npm-script-flags.js";
import { sharedSpec } from "./support/shared-specs.js";

const root = path.resolve(import.meta.dirname, "..");
const workDir = path.join(root, ".bench", "profile");
const { values } = parseArgs({
  options: {
    spec: { type: "string", default: sharedSpec("stripe-spec3-2023-09-12.yaml") },
    runs: { type: "string", default: "3" },
    node: { type: "string", default: process.execPath },
  },
});
const spec = path.resolve(values.spec);
const runs = Number(values.runs);
const node = values.node;

const BUNDLE = "bundle (Redocly)";
/** The generator's phases by the functions that do them (codegen/, Redocly, Ajv, openapi-typescript, js-yaml). */
const PHASES: readonly Phase[] = [
  { name: "read + parse the spec (Redocly resolver)", functions: /^(parseDocument|parseYaml|loadExternalRef)\d*$/ },
  { name: "lint (Redocly, structural rules)", functions: /^lintDocument\d*$/ },
  { name: BUNDLE, functions: /^bundleDocument\d*$/ },
  { name: "operation model", functions: /^buildModel\d*$/ },
  { name: "types (openapi-typescript)", functions: /^typesOf(Json)?\d*$/ },
  { name: "request validators (Ajv)", functions: /^compileValidators\d*$/ },
  { name: "response validators (Ajv, test-time)", functions: /^compileResponseValidators\d*$/ },
  { name: "openapi.yaml (js-yaml)", functions: /^contractYamlOf(Json)?\d*$/ },
  // By name: TypeScript's printer has emit* functions of its own.
  {
    name: "emitters: routes, capabilities, MCP, SDK, schemas",
    functions:
      /^(emitAll|emitTypes|emitValidators|emitResponseValidators|emitContract|emitRuntime|emitRoutes|emitCapabilities|emitMcpTools|emitSdk)\d*$/,
  },
  { name: "write the output", functions: /^(planOutput|applyOutput)\d*$/ },
  {
    name: "load code (compile modules)",
    functions: /^(compileFunctionForCJSLoader|wrapSafe|compileSourceTextModule|compileForInternalLoader)$/,
  },
];
/** What a server needs is the rest: these two are a test-time check and a second format of openapi.json. */
const NOT_FOR_THE_SERVER = ["response validators (Ajv, test-time)", "openapi.yaml (js-yaml)"];

const generateFlags = npmScriptNodeFlags("generate", "codegen/bin/generate.mjs");
const outDir = path.join(workDir, "out");
const ours = (extra: string[] = []) => [
  ...generateFlags,
  ...extra,
  "codegen/bin/generate.mjs",
  "--quiet",
  "--no-cache",
  "--spec",
  spec,
  "--out",
  outDir,
];
// From the work directory: openapi-typescript would otherwise lint with our redocly.yaml.
const theirs = [path.join(root, "node_modules/openapi-typescript/bin/cli.js"), spec, "-o", path.join(workDir, "ots.ts")];
const cold = (args: string[]) => {
  rmSync(outDir, { recursive: true, force: true });
  return measureChild(node, args, root);
};

rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });
// Untimed: builds the generator's bundle if a source changed and fills both tools' compile caches.
cold(ours());
measureChild(node, theirs, workDir);

const ourSamples: Sample[] = [];
const theirSamples: Sample[] = [];
for (let run = 0; run < runs; run += 1) {
  const steps = [() => ourSamples.push(cold(ours())), () => theirSamples.push(measureChild(node, theirs, workDir))];
  for (const step of run % 2 === 0 ? steps : steps.reverse()) step();
}
const ourRun = summarize(ourSamples);
const theirRun = summarize(theirSamples);

const profileDir = path.join(workDir, "cpu-profiles");
cold(ours(["--cpu-prof", `--cpu-prof-dir=${profileDir}`]));
// One file per thread: CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile. A large spec's run restarts Node once
// with its memory settings (codegen/bin/memory-settings.mjs): the first process then only waits for the second.
const profiles = readdirSync(profileDir)
  .filter((name) => name.endsWith(".cpuprofile"))
  .map((name) => {
    const [pid, thread] = name.split(".").slice(-4, -2).map(Number) as [number, number];
    return { pid, thread, file: path.join(profileDir, name) };
  });
// The run's process is the one with the worker thread.
const runPid = profiles.find((profile) => profile.thread > 0)?.pid ?? Math.max(...profiles.map((profile) => profile.pid));
const threads = profiles
  .sort((a, b) => a.pid - b.pid || a.thread - b.thread)
  .map(({ pid, thread, file }) => {
    const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
    return { label: pid !== runPid ? "launcher" : thread === 0 ? "main" : `worker ${thread}`, profile, times: phaseTimes(profile, PHASES) };
  });
const runThreads = threads.filter((thread) => thread.label !== "launcher");

const profiledBusy = threads.reduce((sum, thread) => sum + thread.times.busy, 0);
const cpuSeconds = ourRun.cpuSeconds ?? profiledBusy / 1000;
const share = (ms: number) => ms / profiledBusy;
const seconds = (ms: number) => `${(share(ms) * cpuSeconds).toFixed(2)} s`;
const rows: [string, ...number[]][] = [
  ...PHASES.map((phase): [string, ...number[]] => [phase.name, ...threads.map((thread) => thread.times.phases.get(phase.name)!)]),
  ["garbage collection", ...threads.map((thread) => thread.times.gc)],
  ["other (start-up, module initialisation, messages)", ...threads.map((thread) => thread.times.other)],
];

const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
console.log(`${path.relative(process.cwd(), spec)}, Node ${version}, ${runs} cold runs each, alternating`);
console.log(
  `ours: wall ${ourRun.seconds.toFixed(2)} s, CPU ${fmt(ourRun.cpuSeconds)}; openapi-typescript: wall ${theirRun.seconds.toFixed(2)} s, CPU ${fmt(theirRun.cpuSeconds)}\n`,
);
console.log(`| phase | ${threads.map((thread) => `${thread.label} (ms, profiled)`).join(" | ")} | share of CPU | CPU, unprofiled |`);
console.log(`|---|${threads.map(() => "---").join("|")}|---|---|`);
for (const [name, ...perThread] of rows) {
  const total = perThread.reduce((sum, ms) => sum + ms, 0);
  console.log(
    `| ${name} | ${perThread.map((ms) => ms.toFixed(0)).join(" | ")} | ${(share(total) * 100).toFixed(1)}% | ${seconds(total)} |`,
  );
}
console.log(
  `| idle (waiting for the other thread or for I/O) | ${threads.map((thread) => thread.times.idle.toFixed(0)).join(" | ")} | | |`,
);

/*
 * The floor. Every job needs the bundled document, so until the main thread
 * has loaded, read, linted and bundled the spec, the worker can only load
 * code: that stretch is wall time whatever the threads do. What is left can
 * at best be split evenly: wall ≥ stretch + rest / threads. The profiled
 * figures are scaled to the unprofiled CPU time (profiling costs a little).
 * Without an output, its phase goes, and so does its thread's garbage
 * collection in proportion to it: a floor on the low side, which is the
 * safe side for saying a target is out of reach.
 */
const parallel = Math.min(runThreads.length, availableParallelism());
const scale = cpuSeconds / (profiledBusy / 1000);
const main = runThreads.find((thread) => thread.label === "main")!;
const bundledAt = main.times.lastSampleAt.get(BUNDLE);
if (bundledAt === undefined)
  throw new Error("the main thread's profile has no sample of the bundler: a spec this small has no floor worth the name");
const stretch = (bundledAt - main.profile.startTime) / 1000;
const busyInStretch = runThreads.reduce((sum, thread) => sum + phaseTimes(thread.profile, PHASES, bundledAt).busy, 0);
const rest = runThreads.reduce((sum, thread) => sum + thread.times.busy, 0) - busyInStretch;
const notForTheServer = runThreads.reduce((sum, { times }) => {
  const phases = NOT_FOR_THE_SERVER.reduce((phaseSum, name) => phaseSum + times.phases.get(name)!, 0);
  return sum + phases * (1 + times.gc / (times.busy - times.gc));
}, 0);
const floor = (ms: number) => ((stretch + ms / parallel) * scale) / 1000;
const line = (label: string, wall: number) =>
  console.log(`  ${label.padEnd(58)} ${wall.toFixed(2)} s = ${(wall / theirRun.seconds).toFixed(2)}× openapi-typescript's wall`);
console.log(
  `\nFloor on ${availableParallelism()} cores, ${runThreads.length} threads: the main thread's start up to the bundled document (${((stretch * scale) / 1000).toFixed(2)} s), then the rest of the CPU time split evenly over ${parallel} threads`,
);
line("every output:", floor(rest));
line(`without the ${NOT_FOR_THE_SERVER.join(" and the ")}:`, floor(rest - notForTheServer));
line("measured:", ourRun.seconds);

function fmt(value: number | undefined): string {
  return value === undefined ? "n/a" : `${value.toFixed(2)} s`;
}
