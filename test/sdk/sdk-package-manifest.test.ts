import { describe, expect, it } from "vitest";
import { defaultSdkPackageName, sdkPackageNameProblem, sdkPackageVersion } from "../../codegen/emit/sdk-package.js";
import { generate } from "../../codegen/generate.js";
import { COMMERCE_SPEC } from "../codegen/support/paths.js";
import { runCli } from "../codegen/support/run-cli.js";

describe("the SDK's package.json", () => {
  it("is named after the spec's title unless --sdk-package-name says otherwise", async () => {
    expect(defaultSdkPackageName("Commerce API")).toBe("commerce-api-sdk");
    expect(defaultSdkPackageName("  Stripé / Payments v2 ")).toBe("stripe-payments-v2-sdk");
    expect(defaultSdkPackageName("***")).toBe("api-sdk");
    const { files } = await generate({ specPath: COMMERCE_SPEC, sdkPackageName: "@acme/shop-agent" });
    const manifest = JSON.parse(files.find((file) => file.path === "sdk/package.json")!.contents);
    expect(manifest).toMatchObject({ name: "@acme/shop-agent", version: "0.1.0", type: "module" });
  });

  it("refuses a name npm would refuse, on one line, before reading the spec", async () => {
    expect(sdkPackageNameProblem("@acme/shop-agent")).toBeUndefined();
    expect(sdkPackageNameProblem("Commerce SDK")).toBeDefined();
    const run = await runCli(["--sdk-package-name", "Commerce SDK", "--check"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^--sdk-package-name: .+, got "Commerce SDK"$/)]);
  });

  it("takes info.version when it is semver, else keeps it readable as a pre-release", () => {
    expect(sdkPackageVersion("0.1.0")).toBe("0.1.0");
    expect(sdkPackageVersion("1.2.3-beta.1+build.5")).toBe("1.2.3-beta.1+build.5");
    expect(sdkPackageVersion("2023-10-16")).toBe("0.0.0-2023-10-16");
    expect(sdkPackageVersion("v1.05")).toBe("0.0.0-v1.5");
    expect(sdkPackageVersion("")).toBe("0.0.0");
  });
});
