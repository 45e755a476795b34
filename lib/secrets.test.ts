import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { readOrCreateSecret, resolveAppSecrets } from "./secrets";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-secrets-"));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("secrets", () => {
  it("generates secrets once, private to the owner, and reuses them", async () => {
    const keys = path.join(dir, "keys");
    const first = await resolveAppSecrets(keys, {});
    const second = await resolveAppSecrets(keys, {});
    expect(second).toEqual(first);
    expect(first.AUTH_SECRET).not.toEqual(first.REEL_MEDIA_KEYS);
    // What the children's lib/env.ts will validate.
    expect(() => parseEnv(first)).not.toThrow();
    expect(first.REEL_MEDIA_KEYS).toMatch(/^k[0-9a-f]{6}:/);

    expect((await fs.stat(keys)).mode & 0o777).toBe(0o700);
    for (const name of await fs.readdir(keys)) {
      expect((await fs.stat(path.join(keys, name))).mode & 0o777).toBe(0o600);
    }
  });

  it("uses configured values without writing them", async () => {
    const keys = path.join(dir, "keys");
    const given = { AUTH_SECRET: "x".repeat(40), REEL_MEDIA_KEYS: `a1:${"y".repeat(40)},a0:${"z".repeat(40)}` };
    expect(await resolveAppSecrets(keys, given)).toEqual(given);
    expect(await fs.readdir(keys).catch(() => [])).toEqual([]);
  });

  it("keeps one value when several starts race", async () => {
    const keys = path.join(dir, "keys");
    const values = await Promise.all(Array.from({ length: 8 }, () => readOrCreateSecret(keys, "postgresPassword")));
    expect(new Set(values).size).toBe(1);
  });

  it("refuses a damaged secret file and names it", async () => {
    const keys = path.join(dir, "keys");
    await fs.mkdir(keys);
    await fs.writeFile(path.join(keys, "media-keys"), "not a key list\n");
    await expect(readOrCreateSecret(keys, "mediaKeys")).rejects.toThrow(/media-keys does not hold a valid secret \(REEL_MEDIA_KEYS: expected kid:secret/);
  });
});
