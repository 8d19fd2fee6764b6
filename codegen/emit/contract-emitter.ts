import { LARGE_CONTRACT_CHARS } from "./contract-json.js";
import { contractYamlOf } from "./contract-yaml.js";
import type { Emitter } from "./emitter.js";
import { jsonWriterText, writeJsonValue } from "./json-text.js";
import { createWriter, GENERATED_HEADER } from "./ts-text.js";

/** The generated-file header as YAML comments (JSON has no comments: `openapi.json` goes without). */
export const GENERATED_YAML_HEADER = GENERATED_HEADER.replace(/^\/\//gm, "#");

/**
 * What the server publishes about the contract:
 *
 * - `openapi.json` and `openapi.yaml` (`GET /openapi.json`, `/openapi.yaml`):
 *   the contract bundled (every `$ref` to another file pulled into
 *   `#/components/…` by the loader), keys in the source's order. Made here so
 *   the server reads two files and parses no YAML, and so `generate --check`
 *   catches a published contract older than the source.
 * - `problem-docs.ts`: each problem code's statuses, meaning and advice from
 *   `ProblemCode`'s `x-enumDescriptions`, for the `/problems/{code}` pages.
 */
export const emitContract: Emitter = async ({ document, contractJson, model, jobs }) => {
  const json = contractJson.text();
  // On this thread, YAML straight from the document when its JSON copy would be the same value: parsing the text
  // again cost GitHub ~0.15 s and a second ~100 MB object graph, alive while this thread's heap is at its largest.
  const here = () => contractYamlOf(contractJson.roundTrips() ? document : JSON.parse(json));
  const yaml = jobs.run("contractYaml", json, { here, large: json.length > LARGE_CONTRACT_CHARS });
  const writer = createWriter();
  writer.write(GENERATED_HEADER);
  writer.writeLine('import type { ProblemCode } from "./runtime.js";').blankLine();
  writer.writeLine("/** One problem code as the contract explains it (`components.schemas.ProblemCode`'s `x-enumDescriptions`). */");
  writer.writeLine("export interface ProblemCodeDoc {");
  writer.writeLine("  /** The HTTP statuses a problem with this code can have, ascending. */");
  writer.writeLine("  readonly statuses: readonly number[];");
  writer.writeLine("  /** What the code means (Markdown inline text). */");
  writer.writeLine("  readonly meaning: string;");
  writer.writeLine("  /** What a client should do about it (Markdown inline text). */");
  writer.writeLine("  readonly action: string;");
  writer.writeLine("}").blankLine();
  writer.writeLine("/** Every described problem code; the generator refuses a contract that describes some codes and not others. */");
  writer.write("export const problemCodeDocs: Readonly<Partial<Record<ProblemCode, ProblemCodeDoc>>> = ");
  writeJsonValue(writer, model.problemCodeDocs ?? {});
  writer.write(";").newLine();
  return [
    { path: "openapi.json", contents: `${json}\n` },
    { path: "openapi.yaml", contents: `${GENERATED_YAML_HEADER}${await yaml}` },
    { path: "problem-docs.ts", contents: jsonWriterText(writer) },
  ];
};
