import type { Metadata } from "next";
import { revalidatePath } from "next/cache";
import { Card, CardDescription, CardTitle } from "@/components/ui/card";
import { Checkbox, Input } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { SubmitButton } from "@/components/ui/submit-button";
import { requirePageAdmin } from "@/lib/guards/pages";
import { requireAccess } from "@/lib/auth/session";
import { formValues } from "@/lib/http/form";
import { forgetFetchPolicy } from "@/lib/net/current-policy";
import { proxyUsageReport } from "@/lib/proxy/links";
import { dailyByteLimit } from "@/lib/proxy/usage";
import { getSetting, setSetting } from "@/lib/settings";
import { formatBytes } from "@/lib/uploads/format";

export const metadata: Metadata = { title: "Settings" };

async function updateGuestAccess(formData: FormData) {
  "use server";
  await requireAccess("admin");
  await setSetting("guestAccess", formValues(formData).guestAccess === "on");
  revalidatePath("/admin/settings");
}

async function updateFetchPolicy(formData: FormData) {
  "use server";
  await requireAccess("admin");
  const values = formValues(formData);
  const words = (v: unknown) => String(v ?? "").split(/[\s,]+/).filter(Boolean);
  await setSetting("fetchPorts", words(values.fetchPorts).map(Number));
  await setSetting("fetchPrivateHosts", words(values.fetchPrivateHosts).map((h) => h.toLowerCase()));
  forgetFetchPolicy();
  revalidatePath("/admin/settings");
}

const GIB = 1024 ** 3;

async function updateDailyBytes(formData: FormData) {
  "use server";
  await requireAccess("admin");
  const gigabytes = Number(String(formValues(formData).proxyDailyGigabytes ?? "").trim() || "0");
  await setSetting("proxyDailyBytes", Number.isFinite(gigabytes) && gigabytes > 0 ? Math.round(gigabytes * GIB) : 0);
  dailyByteLimit.forget();
  revalidatePath("/admin/settings");
}

export default async function AdminSettingsPage() {
  await requirePageAdmin("/admin/settings");
  const [guestAccess, fetchPorts, fetchPrivateHosts, dailyBytes, usage] = await Promise.all([
    getSetting("guestAccess"),
    getSetting("fetchPorts"),
    getSetting("fetchPrivateHosts"),
    getSetting("proxyDailyBytes"),
    proxyUsageReport(),
  ]);
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
      <Card className="mt-6 max-w-2xl">
        <CardTitle>Fetching URLs</CardTitle>
        <CardDescription>
          URL import and Play a link reach public addresses on ports 80 and 443 only. Widen that here: more ports, and host names that may point at
          private addresses (a NAS at home). Loopback and cloud metadata addresses stay refused.
        </CardDescription>
        <form action={updateFetchPolicy} className="mt-4 flex flex-col gap-4">
          <Input name="fetchPorts" label="More ports" hint="Space- or comma-separated, e.g. 8080 8443" defaultValue={fetchPorts.join(" ")} />
          <Input name="fetchPrivateHosts" label="Private host names allowed" hint="Exact names, e.g. nas.home.arpa" defaultValue={fetchPrivateHosts.join(" ")} />
          <SubmitButton className="self-start" pendingLabel="Saving…">
            Save
          </SubmitButton>
        </form>
      </Card>
      <Card className="mt-6 max-w-2xl">
        <CardTitle>Play a link: traffic</CardTitle>
        <CardDescription>
          Bytes Reel relayed for each person over the last 7 days (UTC days), from played links. Past the daily limit, a person&apos;s links are
          refused until midnight UTC.
        </CardDescription>
        <form action={updateDailyBytes} className="mt-4 flex flex-col gap-4">
          <Input
            name="proxyDailyGigabytes"
            label="Daily limit per person, in GB"
            hint="0 or empty: no limit"
            inputMode="decimal"
            defaultValue={dailyBytes > 0 ? String(Math.round((dailyBytes / GIB) * 100) / 100) : "0"}
            data-testid="proxy-daily-limit"
          />
          <SubmitButton className="self-start" pendingLabel="Saving…">
            Save
          </SubmitButton>
        </form>
        {usage.length === 0 ? (
          <p className="mt-4 text-sm text-muted">No links were played.</p>
        ) : (
          <table className="mt-4 w-full text-left text-sm" data-testid="proxy-usage">
            <thead className="text-muted">
              <tr>
                <th className="py-1 font-medium">Day</th>
                <th className="py-1 font-medium">Person</th>
                <th className="py-1 text-right font-medium">Requests</th>
                <th className="py-1 text-right font-medium">Bytes</th>
              </tr>
            </thead>
            <tbody>
              {usage.map((u) => (
                <tr key={`${u.day}-${u.userId}`} className="border-t border-line">
                  <td className="py-1">{u.day}</td>
                  <td className="py-1">{u.name || u.email}</td>
                  <td className="py-1 text-right tabular-nums">{u.streams}</td>
                  <td className="py-1 text-right tabular-nums">
                    {formatBytes(u.bytes)}
                    {dailyBytes > 0 && u.bytes >= dailyBytes ? <span className="ml-2 text-xs font-medium text-danger">limit reached</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
