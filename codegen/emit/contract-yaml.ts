import { stringifyYaml } from "@redocly/openapi-core";
import type { OpenApiDocument } from "../load/openapi-document.js";
import { GENERATED_HEADER } from "./ts-text.js";

/** The generated-file header as YAML comments (JSON has no comments: `openapi.json` goes without). */
export const GENERATED_YAML_HEADER = GENERATED_HEADER.replace(/^\/\//gm, "#");

/** `openapi.yaml`: the bundled contract with the header. */
export function contractYaml(document: OpenApiDocument): string {
  // noRefs: a node reached twice is written twice, never as a YAML anchor some tools refuse; lineWidth -1: no folding.
  return `${GENERATED_YAML_HEADER}${stringifyYaml(document, { noRefs: true, lineWidth: -1 })}`;
}
