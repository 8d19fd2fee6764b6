import type CodeBlockWriter from "code-block-writer";

/**
 * Writes a JSON value as a TypeScript expression at the writer's current
 * indentation: pretty-printed, keys in their original order and quoted as in
 * JSON, so a schema reads (and diffs) exactly as its JSON form.
 */
export function writeJsonValue(writer: CodeBlockWriter, value: unknown): void {
  const lines = JSON.stringify(value, null, 2).split("\n");
  writer.write(lines[0]!);
  for (const line of lines.slice(1)) writer.newLine().write(line);
}
