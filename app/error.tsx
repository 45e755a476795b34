"use client";

import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <EmptyState
      title="Something went wrong"
      description="Reel could not show this page. Try again; if it keeps failing, the server log says why."
      action={<Button onClick={reset}>Try again</Button>}
    />
  );
}
