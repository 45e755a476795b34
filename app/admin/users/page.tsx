import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, CardDescription, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageAdmin } from "@/lib/guards/pages";
import { listUsers } from "@/lib/users/accounts";
import type { UserSummary } from "@/lib/users/queries";
import { CreateUserForm } from "./create-user-form";
import { UserActions } from "./user-actions";

export const metadata: Metadata = { title: "Users" };

const statusBadge: Record<UserSummary["status"], { tone: "success" | "danger" | "info" | "warning"; label: string } | null> = {
  active: null,
  disabled: { tone: "danger", label: "Disabled" },
  invited: { tone: "info", label: "Invited" },
  invite_expired: { tone: "warning", label: "Invite expired" },
};

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

export default async function UsersPage() {
  const viewer = await requirePageAdmin("/admin/users");
  const users = await listUsers();
  return (
    <>
      <PageHeader title="Users" description={`Who may sign in to this Reel, and what they may do. ${users.length} account${users.length === 1 ? "" : "s"}.`} />
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <ul className="divide-y divide-line overflow-hidden rounded-xl border border-line bg-panel" aria-label="Accounts">
          {users.map((user) => {
            const status = statusBadge[user.status];
            const self = user.id === viewer.id;
            return (
              <li key={user.id} className="grid gap-3 p-4 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-center" data-testid="user-row" data-email={user.email}>
                <div className="min-w-0">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="truncate font-semibold">{user.name}</span>
                    {self && <Badge>You</Badge>}
                    <Badge tone={user.role === "admin" ? "accent" : "neutral"}>{user.role === "admin" ? "Admin" : "Member"}</Badge>
                    {user.role === "member" && user.canUpload && <Badge tone="info">Can upload</Badge>}
                    {status && <Badge tone={status.tone}>{status.label}</Badge>}
                  </div>
                  <p className="truncate text-sm text-muted">{user.email}</p>
                  <p className="mt-1 text-xs text-muted">
                    Added {dateFormat.format(user.createdAt)} ·{" "}
                    {user.lastLoginAt ? `last signed in ${dateFormat.format(user.lastLoginAt)}` : "never signed in"}
                  </p>
                </div>
                <UserActions user={user} self={self} />
              </li>
            );
          })}
        </ul>
        <Card className="lg:sticky lg:top-[calc(var(--header-height)+1.5rem)]">
          <CardTitle>Add a user</CardTitle>
          <CardDescription>Send an invite link so they choose their own password, or set one for them.</CardDescription>
          <CreateUserForm />
        </Card>
      </div>
    </>
  );
}
