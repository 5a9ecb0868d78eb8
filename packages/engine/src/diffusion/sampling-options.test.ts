import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { EngineError } from "../errors.ts";
import { copyPackage, FIXTURE_PACKAGE_DIR } from "../package/fixture-package.test-helper.ts";
import { loadPackage } from "../package/load-package.ts";
import type { LoadedPackage } from "../package/types.ts";
import { resolveSampling, throwIfAborted } from "./sampling-options.ts";

let pkg: LoadedPackage;

beforeAll(async () => {
  pkg = await loadPackage(FIXTURE_PACKAGE_DIR);
});
afterAll(async () => {
  await pkg.dispose();
});

describe("resolveSampling", () => {
  it("takes the package's sampler defaults when the caller names none", () => {
    const { sampler } = pkg.manifest;
    const settings = resolveSampling(pkg, {}, "generate");
    expect(settings.scheduler.name).toBe(sampler.name);
    expect(settings.scheduler.sigmas).toHaveLength(sampler.steps + 1);
    expect(settings.guidance).toBe(sampler.guidance);
    expect(settings.previewEvery).toBe(0);
    expect(Number.isInteger(settings.seed)).toBe(true);
  });

  it("keeps what the caller chose", () => {
    const settings = resolveSampling(
      pkg,
      { steps: 3, guidance: 0, seed: 9, sampler: "flow-euler", previewEvery: 1 },
      "edit",
    );
    expect(settings.scheduler.name).toBe("flow-euler");
    expect(settings.scheduler.sigmas).toHaveLength(4);
    expect([settings.guidance, settings.seed, settings.previewEvery]).toEqual([0, 9, 1]);
  });
});

describe("edit guidance", () => {
  it("edits with the package's edit_guidance when it has one, else with guidance; drawing keeps guidance", async () => {
    const tuned = await loadPackage(
      copyPackage((manifest) => {
        (manifest.sampler as Record<string, unknown>).edit_guidance = 1.5;
      }),
    );
    onTestFinished(() => tuned.dispose());
    expect(resolveSampling(tuned, {}, "edit").guidance).toBe(1.5);
    expect(resolveSampling(tuned, {}, "generate").guidance).toBe(tuned.manifest.sampler.guidance);
    expect(resolveSampling(tuned, { guidance: 3 }, "edit").guidance).toBe(3);
    expect(resolveSampling(pkg, {}, "edit").guidance).toBe(pkg.manifest.sampler.guidance);
  });
});

describe("throwIfAborted", () => {
  it("passes without a signal or before the abort, and throws cancelled with the reason after", () => {
    const controller = new AbortController();
    expect(() => throwIfAborted(undefined)).not.toThrow();
    expect(() => throwIfAborted(controller.signal)).not.toThrow();
    controller.abort("user left");
    const error = (() => {
      try {
        throwIfAborted(controller.signal);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: "cancelled", cause: "user left" });
  });
});
