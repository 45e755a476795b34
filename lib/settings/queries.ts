import "server-only";
import { eq, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { settings } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { parseSetting, settingDefinitions, type SettingKey, type SettingValue } from "./definitions";

export async function getSetting<K extends SettingKey>(key: K): Promise<SettingValue<K>> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  return parseSetting(key, row?.value);
}

export async function setSetting<K extends SettingKey>(key: K, value: SettingValue<K>): Promise<SettingValue<K>> {
  const parsed = settingDefinitions[key].schema.safeParse(value);
  if (!parsed.success) throw new AppError("bad_request", `Invalid value for setting ${key}`);
  await db
    .insert(settings)
    .values({ key, value: parsed.data })
    .onConflictDoUpdate({ target: settings.key, set: { value: parsed.data, updatedAt: sql`now()` } });
  return parsed.data as SettingValue<K>;
}
