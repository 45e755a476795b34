import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ButtonLink } from "@/components/ui/button";
import { LockIcon } from "@/components/ui/icons";
import { inviteFor } from "@/lib/users/accounts";
import { acceptInviteAction } from "./actions";
import { InviteForm } from "./invite-form";

export const metadata: Metadata = { title: "Accept invite", referrer: "no-referrer" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = await inviteFor(token);
  if (!invite) {
    return (
      <div className="mx-auto max-w-lg py-4 sm:py-10">
        <EmptyState
          icon={<LockIcon />}
          title="This invite link no longer works"
          description="It has expired, was already used, or was replaced by a newer one. Ask an administrator of this Reel for a new link."
          action={<ButtonLink href="/login" variant="secondary">Go to sign in</ButtonLink>}
        />
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-lg py-4 sm:py-10">
      <Card className="p-6 sm:p-8">
        <h1 className="text-2xl font-semibold tracking-tight">Welcome, {invite.name}</h1>
        <p className="mt-2 text-sm text-muted">
          Choose a password for <span className="font-medium text-fg">{invite.email}</span> to finish setting up your account.
        </p>
        <InviteForm email={invite.email} action={acceptInviteAction.bind(null, token)} />
      </Card>
    </div>
  );
}
