// Entry point of `npm run keys`: opens the database the server would use and runs one key command.
import { createStore, DbError } from "@unilip/db";
import { ConfigError, loadConfig } from "../config.ts";
import { openDb } from "../open-db.ts";
import { runKeysCommand } from "./keys-command.ts";

async function main(): Promise<number> {
  const config = loadConfig();
  const db = await openDb(config);
  try {
    return await runKeysCommand(process.argv.slice(2), createStore(db), {
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    });
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof DbError || error instanceof ConfigError;
    console.error(known ? `error: ${error.message}` : error);
    process.exit(1);
  },
);
