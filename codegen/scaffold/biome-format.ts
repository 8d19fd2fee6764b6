import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

/**
 * Lays out a scaffolded file with the project's formatter (Biome, the one
 * `npm run lint` enforces), through its stdin so no other file is touched.
 * The text is formatted as if it were `src/handlers/<fileName>`, under the
 * configuration found from `cwd`. Without Biome (or if it refuses the text)
 * the text comes back as it was, and `onProblem` says why.
 */
export function biomeFormatter(cwd: string, onProblem: (message: string) => void): (fileName: string, text: string) => string {
  let bin: string;
  try {
    bin = createRequire(import.meta.url).resolve("@biomejs/biome/bin/biome");
  } catch {
    onProblem("Biome not found: scaffolded files are not formatted (run `npm run format`)");
    return (_fileName, text) => text;
  }
  return (fileName, text) => {
    const run = spawnSync(process.execPath, [bin, "format", `--stdin-file-path=src/handlers/${fileName}`], {
      cwd,
      input: text,
      encoding: "utf8",
    });
    if (run.status === 0 && run.stdout) return run.stdout;
    onProblem(`Biome could not format ${fileName}: ${(run.stderr || String(run.error ?? "")).trim().split("\n")[0]}`);
    return text;
  };
}
