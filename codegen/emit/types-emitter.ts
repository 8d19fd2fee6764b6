import { LARGE_CONTRACT_CHARS } from "./contract-json.js";
import type { Emitter } from "./emitter.js";
import { GENERATED_HEADER } from "./ts-text.js";

/**
 * The `paths`, `components` and `operations` types, produced by
 * openapi-typescript from the document we already bundled (openapi-types.ts).
 * A job: with the CLI's early worker, it is printed there, and this thread
 * never loads TypeScript; on this thread, from the document itself.
 *
 * They live in `sdk/openapi.ts`, because the SDK is a package of its own and
 * may import nothing outside `sdk/`; `openapi.ts` re-exports them for the
 * server side (one copy: a large spec's types are type-checked once).
 */
export const emitTypes: Emitter = async ({ document, contractJson, jobs }) => {
  const here = async () => (await import("./openapi-types.js")).typesOf(document);
  const types = contractJson.roundTrips()
    ? await jobs.run("types", contractJson.text(), {
        here,
        large: contractJson.text().length > LARGE_CONTRACT_CHARS,
        leaveToWorker: true,
      })
    : await here();
  return [
    { path: "sdk/openapi.ts", contents: `${GENERATED_HEADER}\n${types}` },
    {
      path: "openapi.ts",
      contents: `${GENERATED_HEADER}\n/* The contract's types; the SDK package holds them (see sdk/package.json). */\nexport type * from "./sdk/openapi.js";\n`,
    },
  ];
};
