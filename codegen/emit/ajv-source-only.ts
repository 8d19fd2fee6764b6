/**
 * Ajv's `code.process` hook for the generator's Ajv instances: Ajv hands each
 * validator's code to `new Function` after generating it, but the generator
 * only ever writes the code out (`standaloneCode` reads the source Ajv keeps
 * beside, `validate.source`) and never calls a validator. So V8 is given a
 * stub to compile instead of megabytes of code it would parse for nothing
 * (Stripe: ~0.5 s of Ajv's ~3.5 s). The output is the same: the stub only
 * replaces the function object, never the source text.
 */
export function sourceOnly(): string {
  return "return function validate() { throw new Error('codegen: a validator compiled for its source only was called'); };";
}
