import { describe, expect, it } from "vitest";
import { checkAttachment, MAX_ATTACHMENTS, MAX_UPLOAD_BYTES } from "./attachments.ts";

const png = { name: "shapes.png", type: "image/png", size: 1024 };

describe("checkAttachment", () => {
  it("accepts PNG, JPEG and WebP within the limits", () => {
    for (const type of ["image/png", "image/jpeg", "image/webp"]) {
      expect(checkAttachment({ ...png, type }, 0)).toBeNull();
    }
    expect(checkAttachment({ ...png, size: MAX_UPLOAD_BYTES }, MAX_ATTACHMENTS - 1)).toBeNull();
  });

  it("refuses other formats, oversized files and one image too many", () => {
    expect(checkAttachment({ ...png, type: "image/gif" }, 0)?.message).toMatch(/not a PNG, JPEG or WebP/);
    expect(checkAttachment({ ...png, size: MAX_UPLOAD_BYTES + 1 }, 0)?.message).toMatch(/larger than 4 MiB/);
    expect(checkAttachment(png, MAX_ATTACHMENTS)).toMatchObject({ kind: "input", param: "file" });
  });
});
