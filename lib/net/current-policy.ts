import "server-only";
import { getSetting } from "@/lib/settings";
import type { FetchPolicy } from "./policy";

/**
 * The admin's fetch settings, kept in memory: the proxy's byte path must not wait on the database per request.
 * A read older than MAX_AGE_MS answers from memory and refreshes in the background, so a change an admin saves
 * applies within seconds on every web process.
 */
const MAX_AGE_MS = 10_000;
let cached: { policy: FetchPolicy; at: number } | null = null;
let refreshing: Promise<FetchPolicy> | null = null;

async function load(): Promise<FetchPolicy> {
  const [ports, privateHosts] = await Promise.all([getSetting("fetchPorts"), getSetting("fetchPrivateHosts")]);
  const policy = { ports, privateHosts: privateHosts.map((h) => h.toLowerCase()) };
  cached = { policy, at: Date.now() };
  return policy;
}

function refresh(): Promise<FetchPolicy> {
  refreshing ??= load().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export async function currentFetchPolicy(): Promise<FetchPolicy> {
  if (!cached) return refresh();
  if (Date.now() - cached.at > MAX_AGE_MS) refresh().catch(() => undefined);
  return cached.policy;
}

/** After an admin saves the settings (this process sees the change at once). */
export function forgetFetchPolicy(): void {
  cached = null;
}
