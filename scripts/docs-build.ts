/**
 * `npm run docs:build [-- --check]`: builds the API reference served at
 * `/docs` with Redocly (`redocly build-docs`, Redoc inlined with
 * `--inlineBundle`, so the page needs no CDN) from the bundled contract
 * `npm run generate` wrote (generated/openapi.json), into
 * generated/docs/api-reference.html, which is committed: production has no
 * devDependencies to build it with.
 *
 * Not part of `npm run generate`: it takes ~1.5 s (generate takes ~1.5 s
 * itself), writes 2.5 MB, depends on the Redocly version as much as on the
 * contract, and the generator runs in-process dozens of times in the tests.
 * `npm test` runs it with `--check` (writes nothing; exit 1 when the
 * committed page differs from a fresh build).
 *
 * Either way the page is refused (exit 2) if it loads a script, a style
 * sheet or an image from another site. Redoc 3 renders its "API docs by
 * Redocly" logo from cdn.redoc.ly after start-up (the markup scan cannot see
 * it; the Chromium test does): the build points it at an empty `data:` URL,
 * whose load fails, so Redoc shows the attribution text without the image.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { externalResources } from "./support/external-resources.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const spec = path.join(root, "generated/openapi.json");
const target = path.join(root, "generated/docs/api-reference.html");
const cli = path.join(path.dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")), "bin/cli.js");

const scratch = mkdtempSync(path.join(tmpdir(), "commerce-docs-"));
try {
  const built = path.join(scratch, "api-reference.html");
  const started = performance.now();
  execFileSync(
    process.execPath,
    [cli, "build-docs", spec, "--output", built, "--inlineBundle", "--title", "Commerce API reference", "--lint-config", "off"],
    { cwd: root, stdio: "pipe" },
  );
  const html = withoutRemoteLogo(readFileSync(built, "utf8"));
  const external = externalResources(html);
  if (external.length > 0) {
    console.error(`docs:build: the reference would load from other sites: ${external.join(", ")}`);
    process.exit(2);
  }
  if (process.argv.includes("--check")) {
    const current = (() => {
      try {
        return readFileSync(target, "utf8");
      } catch {
        return undefined;
      }
    })();
    if (current !== html) {
      console.error("docs:build --check: generated/docs/api-reference.html is stale; run `npm run docs:build`");
      process.exit(1);
    }
    console.log("docs:build --check: generated/docs/api-reference.html is up to date");
  } else {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, html);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    console.log(`docs:build: generated/docs/api-reference.html (${Math.round(html.length / 1024)} KiB) in ${seconds}s`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** Redoc's logo `<img>` source, a string in the inlined bundle (one full, one mini): `data:,` instead, so nothing is fetched. */
function withoutRemoteLogo(html: string): string {
  const logo = /https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g;
  const found = html.match(logo)?.length ?? 0;
  if (found === 0)
    console.warn("docs:build: Redoc's remote logo was not found; check the page offline (test/docs/api-reference-browser.test.ts)");
  return html.replace(logo, "data:,");
}
