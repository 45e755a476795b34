import type { Metadata } from "next";
import { Checkbox, Input } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageAdmin } from "@/lib/guards/pages";
import { proxyUsageReport } from "@/lib/proxy/links";
import { getSetting } from "@/lib/settings";
import { formatBytes } from "@/lib/uploads/format";
import { updateDailyLimitAction, updateFetchPolicyAction, updateGuestAccessAction } from "./actions";
import { SettingsForm } from "./settings-form";

export const metadata: Metadata = { title: "Settings" };

const GIB = 1024 ** 3;

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
      <div className="flex flex-col gap-6">
        <SettingsForm
          title="Guest access"
          description="Visitors who are not signed in may browse and watch public videos. Private videos stay private; unlisted ones stay reachable only by link."
          action={updateGuestAccessAction}
        >
          <Checkbox name="guestAccess" label="Let guests browse and watch public videos" defaultChecked={guestAccess} data-testid="guest-access" />
        </SettingsForm>
        <SettingsForm
          title="Fetching URLs"
          description="URL import and Play a link reach public addresses on ports 80 and 443 only. Widen that here: more ports, and host names that may point at private addresses (a NAS at home). Loopback and cloud metadata addresses stay refused."
          action={updateFetchPolicyAction}
        >
          <Input name="fetchPorts" label="More ports" hint="Space- or comma-separated, e.g. 8080 8443" defaultValue={fetchPorts.join(" ")} />
          <Input name="fetchPrivateHosts" label="Private host names allowed" hint="Exact names, e.g. nas.home.arpa" defaultValue={fetchPrivateHosts.join(" ")} />
        </SettingsForm>
        <SettingsForm
          title="Play a link: traffic"
          description="Bytes Reel relayed for each person over the last 7 days (UTC days), from played links. Past the daily limit, a person's links are refused until midnight UTC."
          action={updateDailyLimitAction}
          after={
            usage.length === 0 ? (
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
            )
          }
        >
          <Input
            name="proxyDailyGigabytes"
            label="Daily limit per person, in GB"
            hint="0 or empty: no limit"
            inputMode="decimal"
            defaultValue={dailyBytes > 0 ? String(Math.round((dailyBytes / GIB) * 100) / 100) : "0"}
            data-testid="proxy-daily-limit"
          />
        </SettingsForm>
      </div>
    </>
  );
}
