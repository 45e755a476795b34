import type { Metadata } from "next";
import Link from "next/link";
import { Card, CardDescription, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageViewer } from "@/lib/guards/pages";
import { SignOutEverywhereForm } from "./sign-out-everywhere-form";

export const metadata: Metadata = { title: "Sessions" };

export default async function SessionsPage() {
  const viewer = await requirePageViewer("/settings/sessions");
  return (
    <>
      <PageHeader title="Sessions" description={`Where you are signed in as ${viewer.email}.`} />
      <Card className="max-w-lg p-6">
        <CardTitle>Sign out of all devices</CardTitle>
        <CardDescription>
          Ends every session of your account at once: other browsers, phones, a computer you forgot to sign out of, and this one. Changing your password does the
          same for every device but this one. API tokens keep working: revoke them under{" "}
          <Link href="/settings/tokens" className="underline">
            API tokens
          </Link>
          .
        </CardDescription>
        <SignOutEverywhereForm />
      </Card>
    </>
  );
}
