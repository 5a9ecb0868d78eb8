// App API images: POST /api/images (an upload: PNG, JPEG or WebP, stored as PNG, shown later in a
// message) and an image's edit lineage.
import type { Store } from "@unilip/db";
import { Hono } from "hono";
import { uploadSchema } from "../app-api/schemas.ts";
import { imageMetaJson } from "../app-api/serialize.ts";
import type { AppEnv } from "../app-deps.ts";
import { storablePng } from "../images/storable-png.ts";
import { formBody } from "../validate.ts";

export function uploadRoutes(store: Store) {
  return new Hono<AppEnv>()
    .post("/images", formBody(uploadSchema), async (c) => {
      const file = c.req.valid("form").file;
      const png = await storablePng(new Uint8Array(await file.arrayBuffer()), "file");
      const row = await store.insertImage({ ownerId: c.var.owner, image: { bytes: png, source: "upload" } });
      return c.json(imageMetaJson(row), 201);
    })
    .get("/images/:id/lineage", async (c) => {
      const rows = await store.imageLineage({ ownerId: c.var.owner, id: c.req.param("id") });
      return c.json({ data: rows.map(imageMetaJson) });
    });
}
