/**
 * The OpenAPI object types we read. openapi-typescript already ships a
 * complete, maintained description of OpenAPI 3.0/3.1 documents; reuse it
 * instead of keeping a second copy.
 */
export type {
  MediaTypeObject,
  OpenAPI3 as OpenApiDocument,
  OperationObject,
  ParameterObject,
  PathItemObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  SchemaObject,
} from "openapi-typescript";
