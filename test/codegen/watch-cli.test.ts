/*
 * `npm run generate -- --watch`: regenerates on a save of the spec or of a
 * file it $refs, names the generated files that changed, prints a broken
 * spec's problems without exiting, coalesces a burst of saves into one run,
 * and exits 0 on Ctrl-C (SIGINT).
 */
import { once } from "node:events";
import { cp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureSpec, outDir } from "./support/paths.js";
import { spawnCli } from "./support/run-cli.js";

const SPEC_DIR = outDir("watch-cli", "spec");
const OUT = outDir("watch-cli", "generated");
const AUTHOR = path.join(SPEC_DIR, "schemas/author.yaml");
const BOOK = path.join(SPEC_DIR, "schemas/book.yaml");

describe("generate --watch (CLI)", () => {
  const child = { current: undefined as ReturnType<typeof spawnCli> | undefined };
  afterAll(() => {
    child.current?.kill("SIGKILL");
  });

  it("regenerates on each save, survives a broken spec, stops cleanly on Ctrl-C", async () => {
    await rm(outDir("watch-cli"), { recursive: true, force: true });
    await cp(fixtureSpec("multi-file"), SPEC_DIR, { recursive: true });
    const watcher = spawnCli(["--spec", path.join(SPEC_DIR, "openapi.yaml"), "--out", OUT, "--watch"]);
    child.current = watcher;
    let output = "";
    watcher.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    watcher.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    /** Resolves when `pattern` matches the output after `from` (a previous length), at most after 30 s. */
    const waitFor = async (pattern: RegExp, from: number): Promise<string> => {
      for (let waited = 0; waited < 30_000; waited += 50) {
        const match = output.slice(from).match(pattern);
        if (match) return match[0];
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`timed out waiting for ${pattern}; output so far:\n${output}`);
    };

    await waitFor(/and the 3 file\(s\) it \$refs; Ctrl-C to stop\n/, 0);

    // A file the spec $refs: the line names the generated files that changed.
    let mark = output.length;
    const author = await readFile(AUTHOR, "utf8");
    await writeFile(AUTHOR, author.replace("  name:\n    type: string", "  name:\n    type: string\n    description: Full name."));
    const changed = await waitFor(/author\.yaml changed → [^\n]*\n/, mark);
    // The contract's types live in the SDK package (generated/openapi.ts only re-exports them).
    expect(changed).toContain(`${OUT}/sdk/openapi.ts`);
    expect(changed).not.toContain("runtime.ts");

    // A burst of saves is one run.
    mark = output.length;
    for (const born of ["1", "2", "3", "4"]) await writeFile(AUTHOR, `${author}    description: Born ${born}.\n`);
    await waitFor(/author\.yaml changed → [^\n]*\n/, mark);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(output.slice(mark).match(/changed/g)).toHaveLength(1);

    // A broken spec: its problem, one line, and the watcher stays up.
    mark = output.length;
    const book = await readFile(BOOK, "utf8");
    await writeFile(BOOK, `${book}\n  broken: [\n`);
    await waitFor(/book\.yaml changed: spec errors above; [^\n]* left as it was\n/, mark);
    expect(output.slice(mark)).toMatch(/schemas\/book\.yaml:\d+:\d+: syntax error: /);
    expect(watcher.exitCode).toBeNull();

    // Fixed again: back to work.
    mark = output.length;
    await writeFile(BOOK, book);
    await waitFor(/book\.yaml changed(: [^\n]* already up to date| → )[^\n]*\n/, mark);

    watcher.kill("SIGINT");
    const [code] = await once(watcher, "exit");
    expect(code, output).toBe(0);
    expect(output).toMatch(/watch: stopped\n$/);
  }, 120_000);

  it("started on a spec whose $ref'd file is broken, regenerates once that file is fixed", async () => {
    const dir = outDir("watch-cli-broken", "spec");
    await rm(outDir("watch-cli-broken"), { recursive: true, force: true });
    await cp(fixtureSpec("multi-file"), dir, { recursive: true });
    const bookPath = path.join(dir, "schemas/book.yaml");
    const book = await readFile(bookPath, "utf8");
    await writeFile(bookPath, `${book}\n  broken: [\n`);
    const watcher = spawnCli(["--spec", path.join(dir, "openapi.yaml"), "--out", outDir("watch-cli-broken", "generated"), "--watch"]);
    child.current = watcher;
    let output = "";
    for (const stream of [watcher.stdout!, watcher.stderr!]) stream.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const waitFor = async (pattern: RegExp): Promise<void> => {
      for (let waited = 0; waited < 30_000; waited += 50) {
        if (pattern.test(output)) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`timed out waiting for ${pattern}; output so far:\n${output}`);
    };
    await waitFor(/Ctrl-C to stop\n/);
    expect(output).toMatch(/schemas\/book\.yaml:\d+:\d+: syntax error: /);

    // The fix is a save of the $ref'd file only: the watcher must be watching it although the first run failed.
    await writeFile(bookPath, book);
    await waitFor(/book\.yaml changed → [^\n]*\n/);
    watcher.kill("SIGINT");
    const [code] = await once(watcher, "exit");
    expect(code, output).toBe(0);
  }, 120_000);
});
