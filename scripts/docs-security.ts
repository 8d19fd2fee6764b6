/**
 * `npm run docs:security`: rewrites the route inventory in docs/SECURITY.md
 * from the inventory modules (src/auth/inventory/), between its markers.
 * `--check` writes nothing and exits 1 when the document is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { INVENTORY_BEGIN, INVENTORY_END, inventoryMarkdown } from "../src/auth/inventory/inventory-markdown.js";

const file = new URL("../docs/SECURITY.md", import.meta.url);
const current = readFileSync(file, "utf8");
const begin = current.indexOf(INVENTORY_BEGIN);
const end = current.indexOf(INVENTORY_END);
if (begin < 0 || end < begin) {
  console.error("docs/SECURITY.md lacks the route inventory markers");
  process.exit(2);
}
const next = current.slice(0, begin) + inventoryMarkdown() + current.slice(end + INVENTORY_END.length);
if (process.argv.includes("--check")) {
  if (next !== current) {
    console.error("docs/SECURITY.md: the route inventory is stale; run npm run docs:security");
    process.exit(1);
  }
} else if (next !== current) {
  writeFileSync(file, next);
  console.log("docs/SECURITY.md: route inventory rewritten");
}
