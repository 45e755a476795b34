import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { isSetUp } from "@/lib/users/accounts";
import { SetupForm } from "./setup-form";

export const metadata: Metadata = { title: "Set up Reel" };

export default async function SetupPage() {
  if (await isSetUp()) redirect("/login");
  return (
    <div className="mx-auto max-w-lg py-4 sm:py-10">
      <Card className="p-6 sm:p-8">
        <p className="text-sm font-medium text-accent-text">Welcome to Reel</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">Create the administrator account</h1>
        <p className="mt-2 text-sm text-muted">
          This account manages Reel: it invites people, decides who may upload, and changes settings. You can add more administrators later.
        </p>
        <SetupForm />
      </Card>
    </div>
  );
}
