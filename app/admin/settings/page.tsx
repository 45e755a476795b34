import type { Metadata } from "next";
import { revalidatePath } from "next/cache";
import { Card, CardDescription, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { SubmitButton } from "@/components/ui/submit-button";
import { requirePageAdmin } from "@/lib/auth/pages";
import { requireAccess } from "@/lib/auth/session";
import { formValues } from "@/lib/http/form";
import { getSetting, setSetting } from "@/lib/settings";

export const metadata: Metadata = { title: "Settings" };

async function updateGuestAccess(formData: FormData) {
  "use server";
  await requireAccess("admin");
  await setSetting("guestAccess", formValues(formData).guestAccess === "on");
  revalidatePath("/admin/settings");
}

export default async function AdminSettingsPage() {
  await requirePageAdmin("/admin/settings");
  const guestAccess = await getSetting("guestAccess");
  return (
    <>
      <PageHeader title="Settings" description="Instance-wide settings." />
      <Card className="max-w-2xl">
        <CardTitle>Guest access</CardTitle>
        <CardDescription>
          Visitors who are not signed in may browse and watch public videos. Private videos stay private; unlisted ones stay reachable only by link.
        </CardDescription>
        <form action={updateGuestAccess} className="mt-4 flex flex-col gap-4">
          <Checkbox name="guestAccess" label="Let guests browse and watch public videos" defaultChecked={guestAccess} data-testid="guest-access" />
          <SubmitButton className="self-start" pendingLabel="Saving…">
            Save
          </SubmitButton>
        </form>
      </Card>
    </>
  );
}
