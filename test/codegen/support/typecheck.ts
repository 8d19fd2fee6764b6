import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { PROJECT_ROOT } from "./paths.js";

const TSC = path.join(PROJECT_ROOT, "node_modules/typescript/bin/tsc");

/**
 * The compiler options generated code must satisfy: the project's own
 * tsconfig (generated/ is type-checked with it), with the essentials stated.
 */
function tsconfigFor(root: string, include: readonly string[]): object {
  return {
    extends: path.relative(root, path.join(PROJECT_ROOT, "tsconfig.json")),
    compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", skipLibCheck: true, noEmit: true },
    include,
    exclude: [],
  };
}

/**
 * Runs `tsc --noEmit` once over the given sub-directories of `root` (each a
 * generator output) with a tsconfig written into `root`, and returns the
 * diagnostics grouped by sub-directory; a clean one maps to `[]`.
 */
export async function typecheckDirs(root: string, dirs: readonly string[]): Promise<Map<string, string[]>> {
  const tsconfig = path.join(root, "tsconfig.json");
  await writeFile(
    tsconfig,
    `${JSON.stringify(
      tsconfigFor(
        root,
        dirs.map((dir) => `${dir}/**/*.ts`),
      ),
      null,
      2,
    )}\n`,
  );
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [TSC, "-p", tsconfig, "--pretty", "false"],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") reject(error);
        else resolve(stdout + stderr);
      },
    );
  });
  const byDir = new Map<string, string[]>(dirs.map((dir) => [dir, []]));
  const elsewhere: string[] = [];
  // A diagnostic starts a line with `file(line,col): error TS...`; continuation lines are indented.
  for (const line of output.split("\n").filter((text) => /^\S.*error TS\d+/.test(text))) {
    const dir = dirs.find((candidate) => line.startsWith(`${candidate}/`));
    if (dir) byDir.get(dir)!.push(line);
    else elsewhere.push(line);
  }
  if (elsewhere.length > 0) throw new Error(`tsc reported errors outside the checked outputs:\n${elsewhere.join("\n")}`);
  return byDir;
}
