import { describe, expect, it } from "vitest";
import { generate } from "../../codegen/generate.js";
import { loadSpec } from "../../codegen/load/load-spec.js";
import { fixtureSpec } from "./support/paths.js";

// openapi-typescript writes into the document it transforms (an `enum` for each discriminator property, with
// "discriminator enum property added by openapi-typescript"); the types emitter hands it a copy, so what the
// server publishes is the bundled source. Regression: GitHub's openapi.json carried those additions.
describe("published contract", () => {
  it("openapi.json is the bundled document, untouched by the types emitter (a spec with a discriminator)", async () => {
    const specPath = fixtureSpec("composition.yaml");
    const { files } = await generate({ specPath });
    const published = files.find((file) => file.path === "openapi.json")!;
    expect(published.contents).not.toContain("added by openapi-typescript");
    expect(JSON.parse(published.contents)).toEqual((await loadSpec(specPath)).document);
  });
});
