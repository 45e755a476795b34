import { z } from "zod";

/**
 * Instance-wide settings an admin changes at run time. Each has a schema and a default, so a row
 * that was never written (or holds an old shape) reads as the default instead of breaking a page.
 */
export const settingDefinitions = {
  /** Anonymous visitors may watch public videos (and browse them). Off: everything needs a sign-in. */
  guestAccess: { schema: z.boolean(), default: false },
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
