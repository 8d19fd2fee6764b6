import { problemCodeDocs } from "../../../generated/problem-docs.js";
import { type ProblemCode, problemCodes } from "../../../generated/routes.js";
import { escapeHtml, html, SafeHtml } from "../../pages/html.js";
import { problemTitles } from "../problem-titles.js";

/** Where the contract mentions each code: the operations whose description or error responses name it. */
export type CodeMentions = ReadonlyMap<ProblemCode, readonly string[]>;

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f6f6f4}
main{max-width:48rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}
h1{font-size:1.5rem;margin-top:0} h2{font-size:1.1rem;margin-bottom:.25rem} code{background:#f0f0ee;padding:0 .25rem;border-radius:3px}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:.35rem .5rem;border-top:1px solid #eee;vertical-align:top}
nav{font-size:.9rem;margin-bottom:1rem} a{color:#0b57d0}
`;

/** Only what the pages need: no script, no external anything, framing refused. */
export const PROBLEM_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} · Commerce API</title><style>${STYLE}</style></head>
<body><main>
<nav><a href="/problems">All problem codes</a> · <a href="/docs">API reference</a></nav>
${body}
</main></body>
</html>
`.value;
}

/** The contract's inline Markdown as HTML: text escaped, `code spans` kept as code. */
function inlineMarkdown(text: string): SafeHtml {
  const parts = text.split(/`([^`]+)`/);
  return new SafeHtml(parts.map((part, index) => (index % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part))).join(""));
}

/**
 * The page of one code, the `type` URL of its problems: title, statuses,
 * what it means and what to do (the contract's `x-enumDescriptions`), the
 * operations that declare it, and the shape of the problem document.
 */
export function problemPage(code: ProblemCode, mentions: CodeMentions): string {
  const doc = problemCodeDocs[code];
  const title = problemTitles[code];
  const operations = mentions.get(code) ?? [];
  return page(
    `${code}: ${title}`,
    html`<h1><code>${code}</code>: ${title}</h1>
<p>A problem with <code>"type": "/problems/${code}"</code> and <code>"code": "${code}"</code> (also in <code>error</code>, for Agent Auth clients)${
      doc
        ? html`, answered with HTTP status ${doc.statuses.map((status, index) => html`${index > 0 ? ", " : ""}<strong>${status}</strong>`)}`
        : ""
    }. Branch on <code>code</code>; <code>title</code> and <code>detail</code> are for people.</p>
${doc ? html`<h2>What it means</h2><p>${inlineMarkdown(doc.meaning)}</p><h2>What to do</h2><p>${inlineMarkdown(doc.action)}</p>` : ""}
${
  operations.length > 0
    ? html`<h2>Operations that declare it</h2><ul>${operations.map((operationId) => html`<li><code>${operationId}</code></li>`)}</ul>`
    : ""
}
<h2>Example</h2>
<pre><code>${JSON.stringify(
      {
        type: `/problems/${code}`,
        title,
        status: doc?.statuses[0] ?? 400,
        code,
        error: code,
        detail: "What happened this time.",
        message: "What happened this time.",
      },
      null,
      2,
    )}</code></pre>`,
  );
}

/** `/problems`: every code of the contract, with its title and statuses, linking to its page. */
export function problemIndexPage(): string {
  return page(
    "Problem codes",
    html`<h1>Problem codes</h1>
<p>Every error of this API is an <code>application/problem+json</code> document (RFC 9457) whose <code>code</code> is one of these,
and whose <code>type</code> is the URL of the code's page.</p>
<table><thead><tr><th scope="col">code</th><th scope="col">title</th><th scope="col">status</th></tr></thead><tbody>
${problemCodes.map(
  (code) =>
    html`<tr><td><a href="/problems/${code}"><code>${code}</code></a></td><td>${problemTitles[code]}</td><td>${(problemCodeDocs[code]?.statuses ?? []).join(", ")}</td></tr>
`,
)}</tbody></table>`,
  );
}

interface ContractOperation {
  readonly operationId?: string;
  readonly description?: string;
  readonly responses?: Readonly<Record<string, { readonly $ref?: string; readonly description?: string }>>;
}

interface Contract {
  readonly paths?: Readonly<Record<string, Readonly<Record<string, ContractOperation>>>>;
  readonly components?: { readonly responses?: Readonly<Record<string, { readonly description?: string }>> };
}

/** Reads which operations name each code (as `` `code` ``) in their description or the descriptions of their responses. */
export function codeMentions(contract: Contract): CodeMentions {
  const shared = contract.components?.responses ?? {};
  const mentions = new Map<ProblemCode, string[]>();
  for (const pathItem of Object.values(contract.paths ?? {})) {
    for (const operation of Object.values(pathItem)) {
      if (typeof operation !== "object" || operation === null || !operation.operationId) continue;
      const responses = Object.values(operation.responses ?? {}).map((response) =>
        response.$ref ? shared[response.$ref.replace("#/components/responses/", "")]?.description : response.description,
      );
      const text = [operation.description, ...responses].join("\n");
      for (const code of problemCodes) {
        if (text.includes(`\`${code}\``) || new RegExp(`\`\\d{3} ${code}\``).test(text)) {
          mentions.set(code, [...(mentions.get(code) ?? []), operation.operationId]);
        }
      }
    }
  }
  return mentions;
}
