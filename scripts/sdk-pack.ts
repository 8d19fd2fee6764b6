/**
 * Builds and packs the generated SDK (`generated/sdk/`) as an npm package:
 *
 *   npm run sdk:pack [-- --out DIR]     (default: .data/sdk; prints the tarball's path)
 *
 * 1. compiles `generated/sdk/` with its own tsconfig (the repository's
 *    TypeScript) into `dist/` of a staging directory under the system's temp
 *    directory: JavaScript for Node, `.d.ts` for the consumer's compiler;
 * 2. copies `package.json` beside it (its `files` ship `dist/` only);
 * 3. `npm pack`s the staging directory into DIR. Nothing is downloaded: npm
 *    pack reads no registry, so this works offline.
 *
 * The repository tree is never written to except DIR, so packing can run while
 * `generate --check` or the type-check look at `generated/`.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SDK_DIR = path.join(ROOT, "generated/sdk");
const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");

export interface PackedSdk {
  /** Absolute path of the tarball. */
  readonly tarball: string;
  /** The package's name and version, as in its package.json. */
  readonly name: string;
  readonly version: string;
  /** Files in the tarball, relative to the package root. */
  readonly files: readonly string[];
  /** Size of the tarball in bytes. */
  readonly size: number;
}

/** Compiles `generated/sdk` and packs it into `outDir`; returns what `npm pack --json` reports. */
export async function packSdk(outDir: string): Promise<PackedSdk> {
  const staging = await mkdtemp(path.join(tmpdir(), "sdk-pack-"));
  try {
    try {
      await run(process.execPath, [TSC, "-p", path.join(SDK_DIR, "tsconfig.json"), "--outDir", path.join(staging, "dist")], { cwd: ROOT });
    } catch (error) {
      const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
      throw new Error(`tsc could not compile generated/sdk:\n${stdout}${stderr}`.trimEnd());
    }
    await copyFile(path.join(SDK_DIR, "package.json"), path.join(staging, "package.json"));
    await mkdir(outDir, { recursive: true });
    // --offline: packing needs no registry, and must never wait for one.
    const { stdout } = await run("npm", ["pack", "--json", "--offline", "--pack-destination", path.resolve(outDir)], { cwd: staging });
    const [report] = JSON.parse(stdout) as { filename: string; name: string; version: string; size: number; files: { path: string }[] }[];
    if (!report) throw new Error(`npm pack reported nothing: ${stdout}`);
    return {
      tarball: path.resolve(outDir, report.filename),
      name: report.name,
      version: report.version,
      files: report.files.map((file) => file.path).sort(),
      size: report.size,
    };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: "string", default: ".data/sdk" } } });
  try {
    const packed = await packSdk(values.out);
    console.log(`${packed.name}@${packed.version}: ${packed.files.length} files, ${(packed.size / 1024).toFixed(1)} kB`);
    console.log(packed.tarball);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
