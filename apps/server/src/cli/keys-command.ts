// `keys create NAME | revoke ID | list`: API key administration against the configured database.
import type { ApiKeyInfo, Store } from "@unilip/db";

export const KEYS_USAGE = `Usage: npm run keys -w @unilip/server -- <command>
  create NAME   create a key; its secret is printed once and never stored
  revoke ID     revoke a key for good
  list          list keys (never their secrets)`;

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

function row(key: ApiKeyInfo): string {
  const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "active";
  return [key.id, key.prefix.padEnd(14), key.createdAt.toISOString(), state, key.name].join("  ");
}

/** Runs one command; resolves to the process exit code. */
export async function runKeysCommand(
  args: readonly string[],
  store: Pick<Store, "createApiKey" | "revokeApiKey" | "listApiKeys">,
  io: Output,
): Promise<number> {
  const [command, ...rest] = args;
  if (command === "create" && rest.length > 0) {
    const key = await store.createApiKey({ name: rest.join(" ") });
    io.out(`Created ${key.id} (${key.name}). The key, shown only this once:`);
    io.out(key.key);
    return 0;
  }
  if (command === "revoke" && rest.length === 1 && rest[0]) {
    const key = await store.revokeApiKey({ id: rest[0] });
    io.out(`Revoked ${key.id} (${key.name}).`);
    return 0;
  }
  if (command === "list" && rest.length === 0) {
    const keys = await store.listApiKeys();
    if (keys.length === 0) io.out("No API keys.");
    for (const key of keys) io.out(row(key));
    return 0;
  }
  io.err(KEYS_USAGE);
  return 2;
}
