/** A JSON Schema 2020-12 node as we emit it (validators, capability input schemas). */
export type JsonSchema = boolean | { [keyword: string]: JsonValue };
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
