import { hash, verify } from "@node-rs/argon2";

// OWASP's argon2id baseline (19 MiB, 2 passes): ~20 ms here, cheap for users, costly for guessers.
const options = { algorithm: 2 /* Argon2id: the enum is ambient const, unusable under isolatedModules */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string) {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string) {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of nothing, verified when the account does not exist so both paths take the same time. */
let decoy: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string) {
  decoy ??= hashPassword("reel-decoy-password");
  await verifyPassword(await decoy, password);
  return false;
}
