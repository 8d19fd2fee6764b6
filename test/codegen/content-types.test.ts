import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { fixtureSpec, outDir } from "./support/paths.js";
import { generateInto } from "./support/write-generated.js";

interface MediaMeta {
  readonly contentType: string;
  readonly kind: string;
}
interface OperationMetaView {
  readonly requestBody: { readonly required: boolean; readonly media: readonly MediaMeta[] } | undefined;
  readonly responses: Readonly<Record<string, readonly MediaMeta[]>>;
}

// content-types.yaml: JSON or form request body, text/plain response, a 4XX range and default.
let operationMeta: Record<string, OperationMetaView>;
let warnings: readonly string[];

beforeAll(async () => {
  const dir = outDir("content-types");
  ({ warnings } = await generateInto(dir, { specPath: fixtureSpec("content-types.yaml") }));
  // Importing routes.ts also loads runtime.ts and the compiled validator modules.
  ({ operationMeta } = (await import(pathToFileURL(path.join(dir, "routes.ts")).href)) as {
    operationMeta: Record<string, OperationMetaView>;
  });
});

describe("media types and response keys", () => {
  it("parses a JSON or form-urlencoded request body", () => {
    expect(operationMeta.postMessage?.requestBody).toEqual({
      required: true,
      media: [
        { contentType: "application/json", kind: "json" },
        { contentType: "application/x-www-form-urlencoded", kind: "form" },
      ],
    });
  });

  it("keeps 4XX and default response keys as the spec writes them", () => {
    expect(Object.keys(operationMeta.postMessage!.responses)).toEqual(["201", "4XX", "default"]);
    expect(operationMeta.postMessage!.responses["4XX"]).toEqual([{ contentType: "application/problem+json", kind: "json" }]);
  });

  it("answers text/plain as text and a response without content as empty", () => {
    expect(operationMeta.getMessageText!.responses).toEqual({ "200": [{ contentType: "text/plain", kind: "text" }], "404": [] });
  });

  it("generates without warnings", () => {
    expect(warnings).toEqual([]);
  });
});
