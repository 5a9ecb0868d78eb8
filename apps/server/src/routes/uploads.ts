// App API images: POST /api/images (an upload, shown later in a message) and an image's edit lineage.
import type { Store } from "@unilip/db";
import { Hono } from "hono";
import { uploadSchema } from "../app-api/schemas.ts";
import { imageMetaJson } from "../app-api/serialize.ts";
import type { AppEnv } from "../app-deps.ts";
import { invalidRequest } from "../errors.ts";
import { checkImage } from "../images/check-image.ts";
import { formBody } from "../validate.ts";

export function uploadRoutes(store: Store) {
  return new Hono<AppEnv>()
    .post("/images", formBody(uploadSchema), async (c) => {
      const image = checkImage(new Uint8Array(await c.req.valid("form").file.arrayBuffer()), "file");
      // Stored images are served as PNG; converting other formats would need an image codec here.
      if (image.format !== "png") {
        throw invalidRequest("Uploads must be PNG images.", {
          param: "file",
          code: "unsupported_image_format",
        });
      }
      const row = await store.insertImage({
        ownerId: c.var.owner,
        image: { bytes: image.bytes, source: "upload" },
      });
      return c.json(imageMetaJson(row), 201);
    })
    .get("/images/:id/lineage", async (c) => {
      const rows = await store.imageLineage({ ownerId: c.var.owner, id: c.req.param("id") });
      return c.json({ data: rows.map(imageMetaJson) });
    });
}
