import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_PACKAGE_DIR } from "../package/fixture-package.test-helper.ts";
import { loadPackage } from "../package/load-package.ts";
import type { GraphName, LoadedPackage } from "../package/types.ts";
import { randn } from "../rng/randn.ts";
import type { ProgressEvent } from "../types.ts";
import { buildCondition, type DitCondition } from "./condition.ts";
import { latentSize } from "./decode-latents.ts";
import { projectCondition } from "./project-condition.ts";
import { type SampleRequest, sampleLatents } from "./sample.ts";
import { createScheduler } from "./scheduler/create-scheduler.ts";

let pkg: LoadedPackage;
let condition: DitCondition;

beforeAll(async () => {
  pkg = await loadPackage(FIXTURE_PACKAGE_DIR);
  condition = await buildCondition(pkg, {
    userTexts: ["Generate an image.", "Generate an image: a red circle"],
  });
});
afterAll(async () => {
  await pkg.dispose();
});

function request(steps: number, extra: Partial<SampleRequest> = {}): SampleRequest {
  return {
    condition,
    noise: randn(1, latentSize(pkg)),
    scheduler: createScheduler("dpm-solver++2m", steps, 3),
    guidance: 4.5,
    previewEvery: 0,
    ...extra,
  };
}

describe("sampleLatents", () => {
  it("reports every step, with x0 previews when due but never on the last step", async () => {
    const events: ProgressEvent[] = [];
    await sampleLatents(pkg, request(4, { previewEvery: 2, onProgress: (event) => events.push(event) }));
    expect(events.map((e) => [e.step, e.totalSteps, e.preview !== undefined])).toEqual([
      [1, 4, false],
      [2, 4, true],
      [3, 4, false],
      [4, 4, false],
    ]);
    const meta = await sharp(events[1]?.preview).metadata();
    expect([meta.format, meta.width]).toEqual(["png", pkg.manifest.image.size]);
  });

  it("stops with EngineError cancelled at the next step once the signal aborts", async () => {
    const controller = new AbortController();
    const steps: number[] = [];
    const run = sampleLatents(
      pkg,
      request(4, {
        signal: controller.signal,
        onProgress: (event) => {
          steps.push(event.step);
          if (event.step === 2) controller.abort();
        },
      }),
    );
    await expect(run).rejects.toMatchObject({ name: "EngineError", code: "cancelled" });
    expect(steps).toEqual([1, 2]);
  });

  it("returns a finite latent of the package's size", async () => {
    const x = await sampleLatents(pkg, request(2));
    expect(x).toHaveLength(latentSize(pkg));
    expect(x.every(Number.isFinite)).toBe(true);
  });
});

/** The package with its graph calls counted. */
function counting(): { pkg: LoadedPackage; calls: Map<GraphName, number> } {
  const calls = new Map<GraphName, number>();
  const run: LoadedPackage["run"] = (graph, feeds) => {
    calls.set(graph, (calls.get(graph) ?? 0) + 1);
    return pkg.run(graph, feeds);
  };
  return { pkg: { ...pkg, run }, calls };
}

describe("projectCondition", () => {
  it("returns every dit input besides the latents and the timestep", async () => {
    const projected = await projectCondition(pkg, condition);
    const stepInputs = (pkg.manifest.graphs.dit?.inputs ?? []).map((io) => io.name);
    expect(Object.keys(projected).sort()).toEqual(
      stepInputs.filter((name) => name !== "latents" && name !== "timestep").sort(),
    );
  });

  it("feeds the image mask only to a dit_condition graph that declares it", async () => {
    const fed: string[][] = [];
    const recording = (manifest: LoadedPackage["manifest"], run = pkg.run): LoadedPackage => ({
      ...pkg,
      manifest,
      run: async (graph, feeds) => {
        fed.push(Object.keys(feeds).sort());
        return run(graph, feeds);
      },
    });
    await projectCondition(recording(pkg.manifest), condition);
    expect(fed[0]).toEqual(["condition", "condition_mask", "image_mask"]);

    // A package exported before the input existed: its manifest does not list it, so it is left out.
    const graphs = pkg.manifest.graphs;
    const older = graphs.dit_condition && {
      ...graphs.dit_condition,
      inputs: graphs.dit_condition.inputs.filter((io) => io.name !== "image_mask"),
    };
    const olderManifest = { ...pkg.manifest, graphs: { ...graphs, dit_condition: older } };
    // Only the feeds are checked here: the fixture package's real graph requires the input.
    await projectCondition(
      recording(olderManifest, async () => ({})),
      condition,
    );
    expect(fed[1]).toEqual(["condition", "condition_mask"]);
  });

  it("runs once per image, not once per sampling step", async () => {
    const { pkg: counted, calls } = counting();
    const steps = 5;
    await sampleLatents(counted, {
      condition,
      noise: randn(1, latentSize(pkg)),
      scheduler: createScheduler("dpm-solver++2m", steps, 3),
      guidance: 4.5,
      previewEvery: 0,
    });
    expect(calls.get("dit_condition")).toBe(1);
    expect(calls.get("dit")).toBe(steps);
  });

  it("names the dit inputs a package's dit_condition fails to return", async () => {
    const broken: LoadedPackage = {
      ...pkg,
      run: async (graph, feeds) => {
        const out = await pkg.run(graph, feeds);
        if (graph === "dit_condition") delete out.condition_bias;
        return out;
      },
    };
    await expect(sampleLatents(broken, request(2))).rejects.toMatchObject({
      code: "runtime",
      message: expect.stringContaining("condition_bias"),
    });
  });
});
