import { describe, expect, it } from "vitest";
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS } from "../limits.ts";
import { makePng, withClaimedSize } from "../testing/png.ts";
import { checkImage } from "./check-image.ts";
import { decodeBase64, decodeDataUrl } from "./data-url.ts";

describe("checkImage", () => {
  it("accepts a PNG and reports its header", () => {
    const png = makePng(5, 6);
    expect(checkImage(png, "image")).toEqual({ format: "png", width: 5, height: 6, bytes: png });
  });

  it("refuses empty, unknown, oversized and too many pixels with typed 400s", () => {
    const fail = (bytes: Uint8Array) => {
      try {
        checkImage(bytes, "image");
      } catch (error) {
        return error;
      }
      throw new Error("expected a refusal");
    };
    expect(fail(new Uint8Array())).toMatchObject({ status: 400, code: "invalid_image", param: "image" });
    expect(fail(new TextEncoder().encode("hello"))).toMatchObject({ code: "invalid_image" });
    const big = new Uint8Array(MAX_IMAGE_BYTES + 1);
    big.set(makePng(1, 1));
    expect(fail(big)).toMatchObject({ status: 400, code: "image_too_large" });
    const side = Math.ceil(Math.sqrt(MAX_IMAGE_PIXELS)) + 1;
    // A header claiming a huge canvas: the bomb is refused before anything decodes it.
    expect(fail(withClaimedSize(makePng(1, 1), side, side))).toMatchObject({
      status: 400,
      code: "image_too_large",
    });
    const truncated = makePng(8, 8);
    expect(fail(truncated.subarray(0, truncated.length - 4))).toMatchObject({ code: "invalid_image" });
  });
});

describe("data URLs", () => {
  it("decodes a base64 data URL", () => {
    const png = makePng(2, 2);
    const url = `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
    expect(decodeDataUrl(url, "p")).toEqual(png);
  });

  it("refuses bad base64, bad prefixes and oversized payloads", () => {
    expect(() => decodeDataUrl("data:image/png;base64,abc$", "p")).toThrow(
      expect.objectContaining({ code: "invalid_base64", param: "p" }),
    );
    expect(() => decodeDataUrl("data:image/png;base64,abcde", "p")).toThrow(
      expect.objectContaining({ code: "invalid_base64" }),
    );
    expect(() => decodeDataUrl("data:text/plain,hello", "p")).toThrow(
      expect.objectContaining({ code: "invalid_image_url" }),
    );
    expect(() => decodeBase64("A".repeat(Math.ceil((MAX_IMAGE_BYTES + 3) / 3) * 4), "p")).toThrow(
      expect.objectContaining({ code: "image_too_large" }),
    );
  });
});
