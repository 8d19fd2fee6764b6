import path from "node:path";
import { Project, ts } from "ts-morph";

export interface SnippetDiagnostic {
  readonly code: number;
  /** The whole message chain, flattened. */
  readonly message: string;
  readonly line: number | undefined;
}

/**
 * Type-checks small TypeScript snippets placed inside a generated output dir
 * (so `./routes.js` resolves to the generated file) and returns each
 * snippet's diagnostics. All snippets share one program, built once.
 *
 * @example
 * const found = checkSnippets(dir, { ok: 'import type { Handlers } from "./routes.js";' });
 */
export function checkSnippets(dir: string, snippets: Readonly<Record<string, string>>): Record<string, SnippetDiagnostic[]> {
  const project = new Project({
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ["node"],
    },
  });
  const files = Object.entries(snippets).map(
    ([name, text]) => [name, project.createSourceFile(path.join(dir, `__snippet_${name}.ts`), text)] as const,
  );
  const result: Record<string, SnippetDiagnostic[]> = {};
  for (const [name, file] of files) {
    result[name] = file.getPreEmitDiagnostics().map((diagnostic) => ({
      code: diagnostic.getCode(),
      message: ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, "\n"),
      line: diagnostic.getLineNumber(),
    }));
  }
  return result;
}
