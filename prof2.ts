import { loadSpec } from "./codegen/load/load-spec.js";
import { buildModel } from "./codegen/model/build-model.js";
import { SchemaConverter } from "./codegen/schema/schema-converter.js";
const spec = await loadSpec(process.argv[2]!);
const model = buildModel(spec, { agentDefaults: { scope: "storefront" } });
const conv = new SchemaConverter(model);
const counts = new Map<string, number>(); let total = 0;
const visit = (n: any): number => { if (typeof n !== "object" || n === null) return 0; let s = 0; for (const v of Object.values(n)) s += visit(v); const str = JSON.stringify(n); if (str.length > 300 && !Array.isArray(n)) counts.set(str, (counts.get(str) ?? 0) + 1); return s; };
for (const op of model.operations) { const m = op.requestBody?.media[0]; if (m?.schema) { const c = conv.convert(m.schema); total += JSON.stringify(c.schema).length; visit(c.schema); } }
let dupBytes = 0; for (const [k, c] of counts) if (c > 1) dupBytes += k.length * (c - 1);
console.log("total body schema bytes", total, "distinct big", counts.size, "dup bytes (nested overlap)", dupBytes);
const top = [...counts].sort((a, b) => b[0].length * b[1] - a[0].length * a[1]).slice(0, 5).map(([k, c]) => [k.slice(0, 80), k.length, c]); console.log(top);
