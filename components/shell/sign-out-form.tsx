"use client";

import { useTransition } from "react";

/**
 * Sign out, after this device forgets the person: their downloads, reports waiting to be sent and the offline copies
 * of pages (which the service worker would otherwise show the next person offline). A failure there never keeps
 * anyone signed in. The offline code is loaded only then: the header is on every page.
 */
export function SignOutForm({ signOutAction, className, children }: { signOutAction: () => Promise<void>; className: string; children: React.ReactNode }) {
  const [pending, startTransition] = useTransition();
  return (
    <form
      action={signOutAction}
      onSubmit={(e) => {
        e.preventDefault();
        startTransition(async () => {
          if ("caches" in window) await import("@/lib/offline/downloader").then((m) => m.forgetOnSignOut()).catch(() => undefined);
          await signOutAction();
        });
      }}
    >
      <button type="submit" disabled={pending} className={className}>
        {children}
      </button>
    </form>
  );
}
