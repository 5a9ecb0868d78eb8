import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";

describe("embedded PGlite", () => {
  it("answers a query in memory", async () => {
    const pg = new PGlite();
    const res = await pg.query<{ n: number }>("select 1 + 1 as n");
    expect(res.rows[0]?.n).toBe(2);
    await pg.close();
  });
});
