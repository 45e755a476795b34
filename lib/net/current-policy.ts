import "server-only";
import { getSetting } from "@/lib/settings";
import { cachedSettings } from "@/lib/settings/cached";
import type { FetchPolicy } from "./policy";

/** The admin's fetch settings, kept in memory: the proxy's byte path must not wait on the database per request. */
const policy = cachedSettings<FetchPolicy>(async () => {
  const [ports, privateHosts] = await Promise.all([getSetting("fetchPorts"), getSetting("fetchPrivateHosts")]);
  return { ports, privateHosts: privateHosts.map((h) => h.toLowerCase()) };
});

export const currentFetchPolicy = policy.get;

/** After an admin saves the settings (this process sees the change at once). */
export const forgetFetchPolicy = policy.forget;
