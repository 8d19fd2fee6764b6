import type { GlobalContext, OpenAPI3, OpenAPITSOptions } from "openapi-typescript";

type OpenApiTs = typeof import("openapi-typescript");

/**
 * openapi-typescript's `paths`, `components` and `operations` types of a
 * bundled document, as TypeScript source (no header). Runs on the main thread
 * for small specs and in `types-worker.ts` for large ones.
 */
export async function openapiTypesSource(document: OpenAPI3): Promise<string> {
  // Loaded on demand: it brings the TypeScript compiler (9 MB of JavaScript) along, which a large spec's main thread never needs.
  const openapiTs = await import("openapi-typescript");
  return openapiTs.astToString(openapiTs.transformSchema(document, createTransformContext(document, openapiTs)));
}

/**
 * openapi-typescript's defaults (as `openapiTS()` fills them in 7.13), with
 * the options we rely on stated explicitly.
 */
function createTransformContext(document: OpenAPI3, { resolveRef, scanDiscriminators }: OpenApiTs): GlobalContext {
  const options: OpenAPITSOptions = { silent: true };
  return {
    additionalProperties: false,
    alphabetize: false,
    arrayLength: false,
    // A schema `default` makes the property present after validation (Ajv `useDefaults`).
    defaultNonNullable: true,
    discriminators: scanDiscriminators(document, options),
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
