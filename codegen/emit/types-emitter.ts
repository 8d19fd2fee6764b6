import type { OpenAPI3 } from "openapi-typescript";
import type { Emitter } from "./emitter.js";
import { runInWorker } from "./run-worker.js";
import { GENERATED_HEADER } from "./ts-text.js";
import { openapiTypesSource } from "./types-text.js";

/**
 * Above this many operations the types are made in a worker thread, in
 * parallel with the other emitters (GitHub's 1,200 operations: ~1 s of
 * openapi-typescript and TypeScript's printer); below it, inline, where the
 * worker's start-up (~0.1 s) would cost more than it saves.
 */
const WORKER_THRESHOLD = 100;

/**
 * The `paths`, `components` and `operations` types, produced by
 * openapi-typescript from the document we already bundled. Calling its
 * `transformSchema` directly (instead of `openapiTS()`) skips a second
 * parse, lint and bundle of the same spec — the largest cost on big specs.
 * openapi-typescript (and the TypeScript compiler it brings) is loaded only
 * where it runs.
 *
 * They live in `sdk/openapi.ts`, because the SDK is a package of its own and
 * may import nothing outside `sdk/`; `openapi.ts` re-exports them for the
 * server side (one copy: a large spec's types are type-checked once).
 */
export const emitTypes: Emitter = async ({ document, model }) => {
  const types =
    model.operations.length > WORKER_THRESHOLD
      ? await runInWorker<string>("types-worker", document)
      : // openapi-typescript writes into the document it transforms (e.g. discriminator enums): give it a copy, as the
        // worker gets one, so the published contract (openapi.json, openapi.yaml) stays the bundled source.
        await openapiTypesSource(structuredClone(document) as OpenAPI3);
  return [
    { path: "sdk/openapi.ts", contents: `${GENERATED_HEADER}\n${types}` },
    {
      path: "openapi.ts",
      contents: `${GENERATED_HEADER}\n/* The contract's types; the SDK package holds them (see sdk/package.json). */\nexport type * from "./sdk/openapi.js";\n`,
    },
  ];
};
