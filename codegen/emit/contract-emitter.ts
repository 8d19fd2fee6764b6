import { stringifyYaml } from "@redocly/openapi-core";
import type { Emitter } from "./emitter.js";
import { writeJsonValue } from "./json-text.js";
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
export const emitContract: Emitter = ({ document, model }) => {
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
    { path: "openapi.json", contents: `${JSON.stringify(document, null, 2)}\n` },
    // noRefs: a node reached twice is written twice, never as a YAML anchor some tools refuse; lineWidth -1: no folding.
    { path: "openapi.yaml", contents: `${GENERATED_YAML_HEADER}${stringifyYaml(document, { noRefs: true, lineWidth: -1 })}` },
    { path: "problem-docs.ts", contents: writer.toString() },
  ];
};
