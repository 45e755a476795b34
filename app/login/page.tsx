import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { currentViewer } from "@/lib/guards/pages";
import { INVALID_LOGIN_MESSAGE } from "@/lib/auth/login";
import { safeReturnPath } from "@/lib/http/redirects";
import { isSetUp } from "@/lib/users/accounts";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeReturnPath(params.callbackUrl);
  if (!(await isSetUp())) redirect("/setup");
  if (await currentViewer()) redirect(callbackUrl);
  // Auth.js sends plain-form sign-ins that failed back here with ?error=…: same generic message.
  const initialError = params.error ? INVALID_LOGIN_MESSAGE : undefined;
  return (
    <div className="mx-auto flex max-w-md flex-col py-4 sm:py-12">
      <Card className="p-6 sm:p-8">
        <h1 className="text-2xl font-semibold tracking-tight">Sign in to Reel</h1>
        <p className="mt-1 text-sm text-muted">Use the email and password of your Reel account.</p>
        <LoginForm callbackUrl={callbackUrl} initialError={initialError} />
      </Card>
      <p className="mt-6 text-center text-sm text-muted">No account? Ask an administrator of this Reel for an invite.</p>
    </div>
  );
}
