import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: plain ES module next to generate.mjs, no declarations
import { sourcesHash } from "../../codegen/bin/sources-hash.mjs";

// generate.mjs rebuilds its esbuild bundle only when this hash changes: a change it missed would run a stale generator.
describe("sourcesHash (generate.mjs's bundle stamp)", () => {
  let dir: string;
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function tree(files: Record<string, string>): Promise<string> {
    dir = await mkdtemp(path.join(tmpdir(), "codegen-stamp-"));
    for (const [file, contents] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), contents);
    }
    return dir;
  }

  it("changes when a source's content changes, a source is added, removed or renamed; not for the bundle's own files", async () => {
    const root = await tree({ "cli.ts": "a", "emit/x.ts": "b", "notes.md": "c" });
    const hash = (): string => sourcesHash(root);
    const first = hash();
    expect(hash()).toBe(first);

    await writeFile(path.join(root, "notes.md"), "changed");
    await mkdir(path.join(root, ".build"));
    await writeFile(path.join(root, ".build/cli.ts"), "bundle");
    await writeFile(path.join(root, ".build/stamp"), "x");
    expect(hash()).toBe(first);

    await writeFile(path.join(root, "emit/x.ts"), "b2");
    const second = hash();
    expect(second).not.toBe(first);

    await writeFile(path.join(root, "emit/y.ts"), "");
    const third = hash();
    expect(third).not.toBe(second);

    await rm(path.join(root, "emit/y.ts"));
    expect(hash()).toBe(second);

    await rm(path.join(root, "emit/x.ts"));
    await writeFile(path.join(root, "emit/z.ts"), "b2");
    expect(hash()).not.toBe(second);
  });

  it("covers the extra files (generate.mjs itself)", async () => {
    const root = await tree({ "cli.ts": "a", "bin/generate.mjs": "1" });
    const before = sourcesHash(root, [path.join(root, "bin/generate.mjs")]);
    await writeFile(path.join(root, "bin/generate.mjs"), "2");
    expect(sourcesHash(root, [path.join(root, "bin/generate.mjs")])).not.toBe(before);
  });
});
