#!/usr/bin/env node
/**
 * `npm run generate [-- --spec FILE --out DIR --check --default-scope NAME --scaffold --watch]`
 *
 * Exit codes: 0 done (or up to date with --check); 1 --check found stale
 * files; 2 the spec or the arguments are wrong (nothing was written). A wrong
 * spec prints every problem found, one line each, on stderr:
 * `file:line:column: syntax error: …` when the file does not parse,
 * `file: cannot read the spec: …` when it cannot be read, otherwise
 * `file#/json/pointer: message (rule)`. With --watch the process stays up:
 * each run's problems are printed and it waits for the next save; Ctrl-C
 * exits 0.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { sdkPackageNameProblem } from "./emit/sdk-package.js";
import { SpecError, SpecErrors } from "./errors.js";
import { generate } from "./generate.js";
import { openJobCache } from "./job-cache-dir.js";
import { isScopeName } from "./model/agent-rules.js";
import { biomeFormatter } from "./scaffold/biome-format.js";
import { watchSpec } from "./watch.js";
import { applyOutput, planOutput } from "./write-output.js";

const USAGE = `Usage: npm run generate -- [--spec FILE] [--out DIR] [--check] [--default-scope NAME] [--client-name NAME]
       [--sdk-package-name NAME] [--quiet] [--no-cache] [--scaffold [--handlers DIR]] [--watch]
  --spec              OpenAPI 3.0/3.1 document (default: openapi/commerce.yaml)
  --out               output directory (default: generated)
  --check             write nothing; exit 1 listing files that differ from the spec
  --default-scope     x-agent-scope of operations that do not declare one (default: storefront)
  --client-name       name of the SDK client factory (default: createCommerceClient)
  --sdk-package-name  npm name of the SDK package, sdk/package.json (default: the spec's title
                      in kebab case + "-sdk", e.g. commerce-api-sdk)
  --quiet             print errors only
  --no-cache          compute every job again: ignore <out>/.codegen-cache/, the last run's compiled
                      validators, types and YAML by content hash (see codegen/job-cache-dir.ts)
  --scaffold          after generating, add a stub handler (501 not_implemented) for every operation
                      no handler provides, in <handlers>/<first tag>-handlers.ts (see codegen/scaffold/)
  --handlers          the hand-written handlers' directory for --scaffold (default: src/handlers)
  --watch             regenerate on every save of the spec or a file it $refs; Ctrl-C to stop`;

function parseCliArgs() {
  return parseArgs({
    options: {
      spec: { type: "string", default: "openapi/commerce.yaml" },
      out: { type: "string", default: "generated" },
      check: { type: "boolean", default: false },
      "default-scope": { type: "string" },
      "client-name": { type: "string" },
      "sdk-package-name": { type: "string" },
      quiet: { type: "boolean", default: false },
      "no-cache": { type: "boolean", default: false },
      scaffold: { type: "boolean", default: false },
      handlers: { type: "string", default: "src/handlers" },
      watch: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  }).values;
}

type CliArgs = ReturnType<typeof parseCliArgs>;

interface RunOutcome {
  /** The exit code a single run ends with. */
  readonly code: number;
  /** Output files written or removed (relative to --out). */
  readonly changed: readonly string[];
  /** The spec's files (root and `$ref`s), when it could be read. */
  readonly specFiles: readonly string[];
}

async function main(): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args["default-scope"] !== undefined && !isScopeName(args["default-scope"])) {
    console.error(`--default-scope must be a lower-case scope name (e.g. storefront), got ${JSON.stringify(args["default-scope"])}`);
    return 2;
  }
  const packageNameProblem = args["sdk-package-name"] === undefined ? undefined : sdkPackageNameProblem(args["sdk-package-name"]);
  if (packageNameProblem) {
    console.error(`--sdk-package-name: ${packageNameProblem}, got ${JSON.stringify(args["sdk-package-name"])}`);
    return 2;
  }
  if (args.check && (args.scaffold || args.watch)) {
    console.error(`--check writes nothing: it does not combine with --scaffold or --watch\n${USAGE}`);
    return 2;
  }
  const log = args.quiet ? () => {} : (line: string) => console.log(line);
  if (!args.watch) return (await runOnce(args, log)).code;

  const cliArgs = args;
  const first = await runOnce(cliArgs, log);
  await watchSpec({
    specPath: cliArgs.spec,
    initialFiles: first.specFiles,
    log: (line) => console.log(line),
    run: async (trigger) => {
      const started = performance.now();
      const outcome = await runOnce(cliArgs, () => {}).catch((error: unknown) => {
        console.error(error);
        return { code: 2, changed: [], specFiles: [] } satisfies RunOutcome;
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      const what = path.relative(process.cwd(), trigger) || trigger;
      if (outcome.code !== 0) console.error(`[${clock()}] ${what} changed: spec errors above; ${cliArgs.out}/ left as it was`);
      else if (outcome.changed.length === 0) console.log(`[${clock()}] ${what} changed: ${cliArgs.out}/ already up to date (${seconds}s)`);
      else
        console.log(`[${clock()}] ${what} changed → ${outcome.changed.map((file) => `${cliArgs.out}/${file}`).join(", ")} (${seconds}s)`);
      return outcome.specFiles;
    },
  });
  return 0;
}

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

/** One generation (and --scaffold), as `npm run generate` without --watch does it. */
async function runOnce(args: CliArgs, log: (line: string) => void): Promise<RunOutcome> {
  const started = performance.now();
  let result: Awaited<ReturnType<typeof generate>>;
  const jobCache = args["no-cache"] ? undefined : openJobCache(args.out);
  try {
    result = await generate({
      specPath: args.spec,
      defaultScope: args["default-scope"],
      clientFactoryName: args["client-name"],
      sdkPackageName: args["sdk-package-name"],
      jobCache: jobCache?.cache,
      startWorkerEarly: true,
    });
  } catch (error) {
    if (error instanceof SpecErrors || error instanceof SpecError) {
      // One line per problem, nothing else (editors and CI annotators read `file:line:column:` and `file#pointer:`).
      console.error(error instanceof SpecErrors ? error.message : error.format());
      // The files read so far stay watched: fixing a broken `$ref`'d file is what triggers the next run.
      return { code: 2, changed: [], specFiles: error instanceof SpecErrors ? error.specFiles : [] };
    }
    throw error;
  }
  for (const warning of result.warnings) console.warn(`warning: ${warning}`);

  const plan = await planOutput(args.out, result.files);
  const stale = [...plan.changed.map((file) => file.path), ...plan.obsolete.map((file) => `${file} (obsolete)`)];
  if (args.check) {
    if (stale.length === 0) {
      log(`generate --check: ${args.out}/ is up to date with ${args.spec}`);
      return { code: 0, changed: [], specFiles: result.specFiles };
    }
    console.error(
      `generate --check: ${args.out}/ is stale; run \`npm run generate\`. Differs:\n${stale.map((file) => `  ${args.out}/${file}`).join("\n")}`,
    );
    return { code: 1, changed: stale, specFiles: result.specFiles };
  }
  await applyOutput(args.out, plan);
  await jobCache?.save();
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  log(
    `generate: ${result.operationCount} operations → ${args.out}/ (${plan.changed.length} written, ${result.files.length - plan.changed.length} unchanged, ${plan.obsolete.length} removed) in ${seconds}s`,
  );
  if (args.scaffold) await scaffold(args, result.operations);
  return { code: 0, changed: stale, specFiles: result.specFiles };
}

async function scaffold(args: CliArgs, operations: Awaited<ReturnType<typeof generate>>["operations"]): Promise<void> {
  // Loaded on demand: it brings ts-morph (the TypeScript compiler) along.
  const { scaffoldHandlers } = await import("./scaffold/scaffold-handlers.js");
  const problems: string[] = [];
  const result = await scaffoldHandlers({
    operations,
    handlersDir: args.handlers,
    generatedDir: args.out,
    format: biomeFormatter(process.cwd(), (problem) => problems.push(problem)),
  });
  for (const warning of [...result.warnings, ...new Set(problems)]) console.warn(`warning: scaffold: ${warning}`);
  if (result.stubs.length === 0) {
    console.log(`scaffold: every operation has a handler in ${args.handlers}/`);
    return;
  }
  for (const created of result.createdFiles) console.log(`scaffold: created ${args.handlers}/${created} (registered in index.ts)`);
  for (const stub of result.stubs)
    console.log(`scaffold: ${args.handlers}/${stub.file}: stub for ${stub.operationId} (501 not_implemented)`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  },
);
