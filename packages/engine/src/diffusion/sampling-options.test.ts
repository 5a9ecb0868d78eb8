import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import { FIXTURE_PACKAGE_DIR } from "../package/fixture-package.test-helper.ts";
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
    const settings = resolveSampling(pkg, {});
    expect(settings.scheduler.name).toBe(sampler.name);
    expect(settings.scheduler.sigmas).toHaveLength(sampler.steps + 1);
    expect(settings.guidance).toBe(sampler.guidance);
    expect(settings.previewEvery).toBe(0);
    expect(Number.isInteger(settings.seed)).toBe(true);
  });

  it("keeps what the caller chose", () => {
    const settings = resolveSampling(pkg, {
      steps: 3,
      guidance: 0,
      seed: 9,
      sampler: "flow-euler",
      previewEvery: 1,
    });
    expect(settings.scheduler.name).toBe("flow-euler");
    expect(settings.scheduler.sigmas).toHaveLength(4);
    expect([settings.guidance, settings.seed, settings.previewEvery]).toEqual([0, 9, 1]);
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
