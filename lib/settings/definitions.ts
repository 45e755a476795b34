import { z } from "zod";

/**
 * Instance-wide settings an admin changes at run time. Each has a schema and a default, so a row
 * that was never written (or holds an old shape) reads as the default instead of breaking a page.
 */
export const settingDefinitions = {
  /** Anonymous visitors may watch public videos (and browse them). Off: everything needs a sign-in. */
  guestAccess: { schema: z.boolean(), default: false },
  /** Ports outbound fetches (URL import, Play a link) may use besides 80 and 443. */
  fetchPorts: { schema: z.array(z.number().int().min(1).max(65535)).max(32), default: [] as number[] },
  /** Host names that may resolve to private addresses (a NAS at home); empty: none. See lib/net/policy.ts. */
  fetchPrivateHosts: {
    schema: z.array(z.string().regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i, "a host name")).max(32),
    default: [] as string[],
  },
  /**
   * Bytes Play a link may relay for one person per UTC day (lib/proxy/usage.ts); beyond it their streams are refused
   * until midnight UTC. 0: no limit. The default is a few hours of HD video a day.
   */
  proxyDailyBytes: { schema: z.number().int().min(0).max(1e15), default: 20 * 1024 ** 3 },
} as const;

export type SettingKey = keyof typeof settingDefinitions;
export type SettingValue<K extends SettingKey> = z.infer<(typeof settingDefinitions)[K]["schema"]>;

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(settingDefinitions, key);
}

export function parseSetting<K extends SettingKey>(key: K, stored: unknown): SettingValue<K> {
  const definition = settingDefinitions[key];
  const parsed = definition.schema.safeParse(stored);
  return (parsed.success ? parsed.data : definition.default) as SettingValue<K>;
}
