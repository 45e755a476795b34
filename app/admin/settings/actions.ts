"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/guards/form-action";
import { forgetFetchPolicy } from "@/lib/net/current-policy";
import { dailyByteLimit } from "@/lib/proxy/usage";
import { setSetting, settingDefinitions } from "@/lib/settings";

const GIB = 1024 ** 3;

/** A space- or comma-separated list typed in one field. */
const words = z
  .string()
  .max(4000)
  .default("")
  .transform((v) => v.split(/[\s,]+/).filter(Boolean));

const guestAccessInput = z.object({ guestAccess: z.literal("on").optional() });
const fetchPolicyInput = z.object({
  fetchPorts: words.transform((ws) => ws.map(Number)).pipe(settingDefinitions.fetchPorts.schema),
  fetchPrivateHosts: words.transform((ws) => ws.map((h) => h.toLowerCase())).pipe(settingDefinitions.fetchPrivateHosts.schema),
});
const dailyLimitInput = z.object({
  proxyDailyGigabytes: z
    .string()
    .trim()
    .default("")
    .transform((v) => (v === "" ? 0 : Number(v)))
    .pipe(z.number().min(0).max(1_000_000)),
});

const saved = { ok: true as const, message: "Saved." };

export const updateGuestAccessAction = formAction("admin", guestAccessInput, async ({ guestAccess }) => {
  await setSetting("guestAccess", guestAccess === "on");
  revalidatePath("/admin/settings");
  return saved;
});

export const updateFetchPolicyAction = formAction("admin", fetchPolicyInput, async ({ fetchPorts, fetchPrivateHosts }) => {
  await setSetting("fetchPorts", fetchPorts);
  await setSetting("fetchPrivateHosts", fetchPrivateHosts);
  forgetFetchPolicy();
  revalidatePath("/admin/settings");
  return saved;
});

export const updateDailyLimitAction = formAction("admin", dailyLimitInput, async ({ proxyDailyGigabytes }) => {
  await setSetting("proxyDailyBytes", Math.round(proxyDailyGigabytes * GIB));
  dailyByteLimit.forget();
  revalidatePath("/admin/settings");
  return saved;
});
