import { beforeAll, describe, expect, it } from "vitest";
import { SpecErrors } from "../../codegen/errors.js";
import { generate } from "../../codegen/generate.js";
import { type CapabilityRegistry, loadCapabilities } from "./support/load-capabilities.js";
import { fixtureSpec, outDir } from "./support/paths.js";

// no-extensions.yaml states no x-agent-* rule, so every rule is a default:
// reads (GET, HEAD) are auto-granted, everything else needs `session` approval.
const SPEC = fixtureSpec("no-extensions.yaml");

describe("agent rules of a spec without x-agent-* extensions", () => {
  let registry: CapabilityRegistry;
  beforeAll(async () => {
    registry = await loadCapabilities(outDir("default-agent-rules", "default"), { specPath: SPEC });
  });

  it.each([
    ["listNotes", "GET", true],
    ["getNote", "GET", true],
    ["headNote", "HEAD", true],
    ["createNote", "POST", false],
    ["replaceNote", "PUT", false],
    ["patchNote", "PATCH", false],
    ["deleteNote", "DELETE", false],
  ])("%s (%s) auto-granted: %s", (name, method, autoGrant) => {
    expect(registry.capabilities[name]).toMatchObject({ method, autoGrant, approvalStrength: "session", scope: "storefront" });
    expect(registry.autoGrantedCapabilities.includes(name)).toBe(autoGrant);
    expect(registry.approvalRequiredCapabilities.includes(name)).toBe(!autoGrant);
  });

  it("puts every capability in the default scope storefront", () => {
    expect(Object.keys(registry.capabilitiesByScope)).toEqual(["storefront"]);
    expect(registry.capabilitiesByScope.storefront).toEqual(registry.capabilityNames);
  });
});

describe("--default-scope", () => {
  it("sets the scope of operations without x-agent-scope", async () => {
    const registry = await loadCapabilities(outDir("default-agent-rules", "catalog"), { specPath: SPEC, defaultScope: "catalog" });
    expect(Object.keys(registry.capabilitiesByScope)).toEqual(["catalog"]);
    for (const capability of Object.values(registry.capabilities)) expect(capability.scope, capability.name).toBe("catalog");
  });

  it("does not change auto-grant defaults", async () => {
    const registry = await loadCapabilities(outDir("default-agent-rules", "catalog-grants"), { specPath: SPEC, defaultScope: "catalog" });
    expect(registry.autoGrantedCapabilities).toEqual(["listNotes", "getNote", "headNote"]);
  });

  it("must be a lower-case scope name", async () => {
    await expect(generate({ specPath: SPEC, defaultScope: "Back Office" })).rejects.toThrow(SpecErrors);
  });
});
