import type { EmittedFile } from "./emitted-file.js";
import { GENERATED_HEADER } from "./ts-text.js";
import type { ValidatorModule } from "./validator-plan.js";

/** `validators/<module>.d.ts`: the module's exports, for the routes to import with their types. */
export function validatorDeclarations(names: readonly string[]): string {
  const lines = [GENERATED_HEADER, 'import type { ValidateFunction } from "../runtime.js";', ""];
  for (const name of names) lines.push(`export declare const ${name}: ValidateFunction;`);
  if (names.length === 0) lines.push("export {};");
  return `${lines.join("\n")}\n`;
}

/** A module no operation has a validator in: nothing to compile, so no Ajv. */
export function emptyValidatorModule(module: ValidatorModule): EmittedFile[] {
  return [
    { path: `validators/${module}.js`, contents: `${GENERATED_HEADER}export {};\n` },
    { path: `validators/${module}.d.ts`, contents: validatorDeclarations([]) },
  ];
}
