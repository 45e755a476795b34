import type { Metadata } from "next";
import { revalidatePath } from "next/cache";
import { requireAdmin } from "@/lib/auth/session";
import { getSetting, setSetting } from "@/lib/settings";

export const metadata: Metadata = { title: "Settings" };

async function updateGuestAccess(formData: FormData) {
  "use server";
  await requireAdmin();
  await setSetting("guestAccess", formData.get("guestAccess") === "on");
  revalidatePath("/admin/settings");
}

export default async function AdminSettingsPage() {
  await requireAdmin();
  const guestAccess = await getSetting("guestAccess");
  return (
    <main className="mx-auto flex w-full max-w-2xl flex-col gap-6 px-4 py-6">
      <h1 className="text-2xl font-semibold">Settings</h1>
      <form action={updateGuestAccess} className="flex flex-col gap-4 rounded-lg bg-panel p-5">
        <label className="flex items-start gap-3">
          <input type="checkbox" name="guestAccess" defaultChecked={guestAccess} className="mt-1 h-4 w-4 accent-[var(--color-accent)]" data-testid="guest-access" />
          <span>
            <span className="font-medium">Guest access</span>
            <span className="block text-sm text-muted">
              Visitors who are not signed in may browse and watch public videos. Private and unlisted videos stay as they are.
            </span>
          </span>
        </label>
        <button type="submit" className="self-start rounded-md bg-accent px-4 py-2 text-sm font-semibold hover:bg-red-700">
          Save
        </button>
      </form>
    </main>
  );
}
