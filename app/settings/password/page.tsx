import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageViewer } from "@/lib/guards/pages";
import { ChangePasswordForm } from "./change-password-form";

export const metadata: Metadata = { title: "Password" };

export default async function PasswordPage() {
  const viewer = await requirePageViewer("/settings/password");
  return (
    <>
      <PageHeader title="Password" description={`The password you sign in with as ${viewer.email}.`} />
      <Card className="max-w-lg p-6">
        <ChangePasswordForm email={viewer.email} />
      </Card>
    </>
  );
}
