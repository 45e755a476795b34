import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { EnvError, parseEnv } from "@/lib/env";

/**
 * Secrets the launcher generates once per data folder when they are not configured, so a fresh
 * `npm start` needs no set-up and restarts keep sessions and signed media URLs valid. Files live
 * in `paths.keys` (0700) with mode 0600; the launcher hands the values to its children through
 * their environment, where lib/env.ts validates them like configured ones.
 */

/** Null when valid, else what is wrong; generated values pass the same checks as configured ones. */
type SecretSpec = { file: string; generate: () => string; problem: (value: string) => string | null };

function envProblem(name: "AUTH_SECRET" | "REEL_MEDIA_KEYS") {
  return (value: string) => {
    try {
      parseEnv({ [name]: value });
      return null;
    } catch (error) {
      if (error instanceof EnvError) return error.issues.join("; ");
      throw error;
    }
  };
}

const specs = {
  authSecret: {
    file: "auth-secret",
    generate: () => randomBytes(32).toString("base64url"),
    problem: envProblem("AUTH_SECRET"),
  },
  mediaKeys: {
    // A random key id, so keys from two data folders are never mistaken for each other during rotation.
    file: "media-keys",
    generate: () => `k${randomBytes(3).toString("hex")}:${randomBytes(32).toString("base64url")}`,
    problem: envProblem("REEL_MEDIA_KEYS"),
  },
  postgresPassword: {
    file: "postgres-password",
    generate: () => randomBytes(16).toString("hex"),
    problem: (v: string) => (/^[0-9a-f]{32,}$/.test(v) ? null : "expected 32+ hex characters"),
  },
} satisfies Record<string, SecretSpec>;

export type SecretName = keyof typeof specs;

/** Reads the named secret from `keysDir`, creating it (0600) on first use. Safe against concurrent starts. */
export async function readOrCreateSecret(keysDir: string, name: SecretName): Promise<string> {
  const spec: SecretSpec = specs[name];
  await fs.mkdir(keysDir, { recursive: true, mode: 0o700 });
  await fs.chmod(keysDir, 0o700);
  const file = path.join(keysDir, spec.file);
  try {
    // "wx" fails when the file exists, so two launchers starting at once keep one value.
    await fs.writeFile(file, spec.generate() + "\n", { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const value = (await fs.readFile(file, "utf8")).trim();
  const problem = spec.problem(value);
  if (problem) throw new Error(`${file} does not hold a valid secret (${problem}); fix or delete it`);
  return value;
}

/**
 * AUTH_SECRET and REEL_MEDIA_KEYS for the child processes: the configured value when given,
 * else the one persisted under `keysDir`.
 */
export async function resolveAppSecrets(keysDir: string, given: { AUTH_SECRET?: string; REEL_MEDIA_KEYS?: string }) {
  return {
    AUTH_SECRET: given.AUTH_SECRET ?? (await readOrCreateSecret(keysDir, "authSecret")),
    REEL_MEDIA_KEYS: given.REEL_MEDIA_KEYS ?? (await readOrCreateSecret(keysDir, "mediaKeys")),
  };
}
