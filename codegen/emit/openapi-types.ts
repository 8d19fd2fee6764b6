import type { GlobalContext, OpenAPI3, OpenAPITSOptions } from "openapi-typescript";
import { discriminatorScanView } from "./discriminator-scan-view.js";
import { type DiscriminatorTargets, noteDiscriminatorTargets } from "./discriminator-undo.js";
import { astToString, resolveRef, scanDiscriminators, transformSchema } from "./openapi-typescript-core.js";

/**
 * The `paths`, `components` and `operations` types of a bundled document, as
 * openapi-typescript prints them. Calling its `transformSchema` directly
 * (instead of `openapiTS()`) skips a second parse, lint and bundle of the same
 * spec — the largest cost on big specs.
 *
 * A job (worker-jobs.ts): the worker runs it on its own parsed copy of the
 * contract's JSON while this thread emits the rest; only this module and the
 * ones it imports load TypeScript.
 */
export function typesOf(document: object): string {
  // openapi-typescript writes into the document it transforms (an `enum` for each discriminator property): what
  // it patches is put back once the types are printed, so every other output sees the bundled source.
  const targets = noteDiscriminatorTargets(document);
  try {
    return astToString(transformSchema(document as OpenAPI3, createTransformContext(document as OpenAPI3, targets)));
  } finally {
    targets.restore();
  }
}

/**
 * openapi-typescript's defaults (as `openapiTS()` fills them in 7.13), with
 * the options we rely on stated explicitly.
 */
function createTransformContext(document: OpenAPI3, targets: DiscriminatorTargets): GlobalContext {
  const options: OpenAPITSOptions = { silent: true };
  return {
    additionalProperties: false,
    alphabetize: false,
    arrayLength: false,
    // A schema `default` makes the property present after validation (Ajv `useDefaults`).
    defaultNonNullable: true,
    // Without discriminators, what the scan would return, without its two walks; with some, the scan walks only
    // the way to them (discriminator-scan-view.ts).
    discriminators: targets.scanned
      ? scanDiscriminators((discriminatorScanView(document, targets.acting, targets.refs) ?? document) as OpenAPI3, options)
      : { objects: {}, refsHandled: [] },
    emptyObjectsUnknown: false,
    enum: false,
    enumValues: false,
    conditionalEnums: false,
    dedupeEnums: false,
    excludeDeprecated: false,
    exportType: false,
    immutable: false,
    rootTypes: false,
    rootTypesNoSchemaPrefix: false,
    rootTypesKeepCasing: false,
    injectFooter: [],
    pathParamsAsTypes: false,
    postTransform: undefined,
    propertiesRequiredByDefault: false,
    // Only openapiTS()'s own lint/bundle step reads the Redocly config; transforms never do.
    redoc: undefined as unknown as GlobalContext["redoc"],
    silent: true,
    inject: undefined,
    transform: undefined,
    transformProperty: undefined,
    makePathsEnum: false,
    generatePathParams: false,
    readWriteMarkers: false,
    resolve($ref) {
      return resolveRef(document, $ref, { silent: true });
    },
  };
}
