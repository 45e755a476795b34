import type { Metadata } from "next";
import { Card, CardDescription, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { KeyIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { listApiTokens } from "@/lib/auth/api-tokens";
import { requirePageViewer } from "@/lib/guards/pages";
import { CreateTokenForm } from "./create-token-form";
import { RevokeTokenButton } from "./revoke-token-button";

export const metadata: Metadata = { title: "API tokens" };

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

export default async function TokensPage() {
  const viewer = await requirePageViewer("/settings/tokens");
  const tokens = await listApiTokens(viewer.id);
  return (
    <>
      <PageHeader
        title="API tokens"
        description={
          <>
            Scripts use a token instead of your password: send it as <code className="font-mono text-fg">Authorization: Bearer &lt;token&gt;</code>. A token acts as you,
            with your permissions.
          </>
        }
      />
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
        {tokens.length === 0 ? (
          <EmptyState icon={<KeyIcon />} title="No API tokens yet" description="Create one for each script or device, so you can revoke it alone." />
        ) : (
          <ul className="divide-y divide-line overflow-hidden rounded-xl border border-line bg-panel" aria-label="Your tokens">
            {tokens.map((token) => (
              <li key={token.id} className="flex flex-wrap items-center justify-between gap-3 p-4" data-testid="token-row">
                <div className="min-w-0">
                  <p className="truncate font-semibold">{token.name}</p>
                  <p className="text-sm text-muted">
                    <code className="font-mono">{token.prefix}…</code> · created {dateFormat.format(token.createdAt)} ·{" "}
                    {token.lastUsedAt ? `last used ${dateFormat.format(token.lastUsedAt)}` : "never used"}
                  </p>
                </div>
                <RevokeTokenButton id={token.id} name={token.name} />
              </li>
            ))}
          </ul>
        )}
        <Card>
          <CardTitle>New token</CardTitle>
          <CardDescription>Name it after where it will be used.</CardDescription>
          <CreateTokenForm />
        </Card>
      </div>
    </>
  );
}
