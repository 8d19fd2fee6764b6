#!/usr/bin/env node
/**
 * `npm run generate [-- --spec FILE --out DIR --check --default-scope NAME]`
 *
 * Exit codes: 0 done (or up to date with --check); 1 --check found stale
 * files; 2 the spec or the arguments are wrong (nothing was written). A wrong
 * spec prints every problem found, one line each, on stderr:
 * `file:line:column: syntax error: …` when the file does not parse,
 * `file: cannot read the spec: …` when it cannot be read, otherwise
 * `file#/json/pointer: message (rule)`.
 */
import { parseArgs } from "node:util";
import { sdkPackageNameProblem } from "./emit/sdk-package.js";
import { SpecError, SpecErrors } from "./errors.js";
import { generate } from "./generate.js";
import { isScopeName } from "./model/agent-rules.js";
import { applyOutput, planOutput } from "./write-output.js";

const USAGE = `Usage: npm run generate -- [--spec FILE] [--out DIR] [--check] [--default-scope NAME] [--client-name NAME]
       [--sdk-package-name NAME] [--quiet]
  --spec              OpenAPI 3.0/3.1 document (default: openapi/commerce.yaml)
  --out               output directory (default: generated)
  --check             write nothing; exit 1 listing files that differ from the spec
  --default-scope     x-agent-scope of operations that do not declare one (default: storefront)
  --client-name       name of the SDK client factory (default: createCommerceClient)
  --sdk-package-name  npm name of the SDK package, sdk/package.json (default: the spec's title
                      in kebab case + "-sdk", e.g. commerce-api-sdk)
  --quiet             print errors only`;

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
      help: { type: "boolean", default: false },
    },
    strict: true,
  }).values;
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseCliArgs>;
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
  const log = args.quiet ? () => {} : (line: string) => console.log(line);
  const started = performance.now();

  let result: Awaited<ReturnType<typeof generate>>;
  try {
    result = await generate({
      specPath: args.spec,
      defaultScope: args["default-scope"],
      clientFactoryName: args["client-name"],
      sdkPackageName: args["sdk-package-name"],
    });
  } catch (error) {
    if (error instanceof SpecErrors || error instanceof SpecError) {
      // One line per problem, nothing else (editors and CI annotators read `file:line:column:` and `file#pointer:`).
      console.error(error instanceof SpecErrors ? error.message : error.format());
      return 2;
    }
    throw error;
  }
  for (const warning of result.warnings) console.warn(`warning: ${warning}`);

  const plan = await planOutput(args.out, result.files);
  const stale = [...plan.changed.map((file) => file.path), ...plan.obsolete.map((file) => `${file} (obsolete)`)];
  if (args.check) {
    if (stale.length === 0) {
      log(`generate --check: ${args.out}/ is up to date with ${args.spec}`);
      return 0;
    }
    console.error(
      `generate --check: ${args.out}/ is stale; run \`npm run generate\`. Differs:\n${stale.map((file) => `  ${args.out}/${file}`).join("\n")}`,
    );
    return 1;
  }
  await applyOutput(args.out, plan);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  log(
    `generate: ${result.operationCount} operations → ${args.out}/ (${plan.changed.length} written, ${result.files.length - plan.changed.length} unchanged, ${plan.obsolete.length} removed) in ${seconds}s`,
  );
  return 0;
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
