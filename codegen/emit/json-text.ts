import type CodeBlockWriter from "code-block-writer";

/**
 * JSON values written so far, by writer: each stands in the writer's text as
 * a marker until `jsonWriterText` puts it back. A NUL never occurs in what
 * the emitters write (spec strings go through `quote`, JSON escapes control
 * characters), so a marker cannot be confused with output.
 */
const pendingJson = new WeakMap<CodeBlockWriter, string[]>();
const MARK = "\u0000";

/**
 * Writes a JSON value as a TypeScript expression at the writer's current
 * indentation: pretty-printed, keys in their original order and quoted as in
 * JSON, so a schema reads (and diffs) exactly as its JSON form.
 *
 * The writer only receives a marker: CodeBlockWriter scans every character it
 * is given (for strings and comments, to know where it may indent), which on
 * large specs was most of the capabilities' and MCP tools' time (Stripe's
 * input and output schemas: ~6 MB of JSON). A JSON value leaves that state as
 * it found it (its strings are closed, it has no comments), so the text is the
 * same: its first line where the marker is, each further line indented to the
 * writer's level, as writing it line by line did. Read the text with
 * `jsonWriterText(writer)`, not `writer.toString()`.
 */
export function writeJsonValue(writer: CodeBlockWriter, value: unknown): void {
  const { useTabs, indentNumberOfSpaces } = writer.getOptions();
  const indentation = (useTabs ? "\t" : " ".repeat(indentNumberOfSpaces)).repeat(writer.getIndentationLevel());
  writeMarked(writer, JSON.stringify(value, null, 2).replaceAll("\n", `\n${indentation}`));
}

/**
 * Writes one line of code that leaves the writer's state as it found it
 * (quotes balanced, no comment, no newline), by marker as `writeJsonValue`
 * does: long generated lines (an output schema's `$defs`, GitHub's and
 * Stripe's up to ~50 kB each) need not pass CodeBlockWriter's scan.
 */
export function writeMarkedLine(writer: CodeBlockWriter, line: string): void {
  writeMarked(writer.newLineIfLastNot(), line);
  writer.newLine();
}

function writeMarked(writer: CodeBlockWriter, text: string): void {
  const values = pendingJson.get(writer) ?? [];
  pendingJson.set(writer, values);
  writer.write(`${MARK}${values.push(text) - 1}${MARK}`);
}

/** The writer's text with the JSON values `writeJsonValue` wrote in place. */
export function jsonWriterText(writer: CodeBlockWriter): string {
  const values = pendingJson.get(writer) ?? [];
  // Text, marker, text, marker, …: every odd part is a value's index.
  const parts = writer.toString().split(MARK);
  for (let index = 1; index < parts.length; index += 2) parts[index] = values[Number(parts[index])]!;
  return parts.join("");
}
