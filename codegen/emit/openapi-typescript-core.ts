/**
 * The parts of openapi-typescript the types job calls, imported from the
 * modules that define them rather than from the package's index: the index
 * also loads `openapiTS()`'s own parse, lint and bundle step, with the
 * package's private copy of Redocly 1.x (~280 modules, ~0.15 s of every
 * run's start-up), which we never call (we bundle with our Redocly). The
 * package exports these paths (`"./*"`); their types are the index's.
 */
import type * as OpenapiTypescript from "openapi-typescript";
// @ts-expect-error: a module of the package without declarations of its own (typed below from the index)
import * as ts from "openapi-typescript/dist/lib/ts.mjs";
// @ts-expect-error: as above
import * as utils from "openapi-typescript/dist/lib/utils.mjs";
// @ts-expect-error: as above
import transform from "openapi-typescript/dist/transform/index.mjs";

export const astToString: typeof OpenapiTypescript.astToString = ts.astToString;
export const createRef: typeof OpenapiTypescript.createRef = utils.createRef;
export const resolveRef: typeof OpenapiTypescript.resolveRef = utils.resolveRef;
export const scanDiscriminators: typeof OpenapiTypescript.scanDiscriminators = utils.scanDiscriminators;
export const transformSchema: typeof OpenapiTypescript.transformSchema = transform;
