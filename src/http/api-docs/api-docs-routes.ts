import { readFileSync } from "node:fs";
import { Router } from "express";
import { isProblemCode, type ProblemCode, problemCodes } from "../../../generated/routes.js";
import { sendPlainProblem } from "../problem-responses.js";
import { codeMentions, PROBLEM_PAGE_CSP, problemIndexPage, problemPage } from "./problem-pages.js";
import { once, PublishedFile } from "./published-file.js";

const GENERATED = new URL("../../../generated/", import.meta.url);

/** Where `npm run docs:build` writes the API reference (Redocly, Redoc inlined; committed, checked by `npm test`). */
export const API_REFERENCE_FILE = new URL("docs/api-reference.html", GENERATED);

/**
 * The reference is a static page, but Redoc runs inline scripts and styles: they may, and nothing else may load,
 * connect or frame it, so even a reference edited by hand could not pull a script from a CDN.
 */
const API_REFERENCE_CSP = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The contract is public: any site's tooling (an editor, a client generator) may fetch it, never with credentials. */
const PUBLIC_DOCUMENT = { "Access-Control-Allow-Origin": "*" } as const;

/**
 * What the API says about itself, all produced at build time and only read
 * here (no YAML parsing, no Markdown rendering per request):
 *
 * - `GET /openapi.json`, `/openapi.yaml`: the bundled contract (`npm run generate`);
 * - `GET /docs`: the API reference (`npm run docs:build`);
 * - `GET /problems/{code}`: the page each problem's `type` names, and `/problems`, the list,
 *   from the contract's `ProblemCode` descriptions and the titles of `problem-titles.ts`;
 *   an unknown code is a 404 problem.
 *
 * Each file is read (or rendered) on its first request, then served with a strong ETag.
 */
export function apiDocsRoutes(): Router {
  const json = once(() => PublishedFile.fromFile(new URL("openapi.json", GENERATED), "application/json; charset=utf-8", PUBLIC_DOCUMENT));
  const yaml = once(() => PublishedFile.fromFile(new URL("openapi.yaml", GENERATED), "application/yaml; charset=utf-8", PUBLIC_DOCUMENT));
  const reference = once(() =>
    PublishedFile.fromFile(API_REFERENCE_FILE, "text/html; charset=utf-8", {
      "Content-Security-Policy": API_REFERENCE_CSP,
      "X-Frame-Options": "DENY",
    }),
  );
  const problems = once(() => {
    const mentions = codeMentions(JSON.parse(readFileSync(new URL("openapi.json", GENERATED), "utf8")));
    const asPage = (text: string) =>
      new PublishedFile(Buffer.from(text), "text/html; charset=utf-8", {
        "Content-Security-Policy": PROBLEM_PAGE_CSP,
        "X-Frame-Options": "DENY",
      });
    return {
      index: asPage(problemIndexPage()),
      pages: new Map<ProblemCode, PublishedFile>(problemCodes.map((code) => [code, asPage(problemPage(code, mentions))])),
    };
  });

  const router = Router();
  router.get("/openapi.json", (req, res) => json().send(req, res));
  router.get("/openapi.yaml", (req, res) => yaml().send(req, res));
  router.get("/docs", (req, res) => reference().send(req, res));
  router.get("/problems", (req, res) => problems().index.send(req, res));
  router.get("/problems/:code", (req, res) => {
    const code = req.params.code;
    if (!isProblemCode(code)) {
      sendPlainProblem(res, 404, "not_found", `No problem code "${code}"; /problems lists them.`);
      return;
    }
    problems().pages.get(code)!.send(req, res);
  });
  return router;
}
