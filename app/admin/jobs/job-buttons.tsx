"use client";

import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/submit-button";
import { videoJobAction } from "./actions";

/** Cancel (a video being processed) or Retry (a failed one); errors show beside the button. */
export function VideoJobButton({ videoId, intent, title }: { videoId: string; intent: "cancel" | "retry"; title: string }) {
  const [state, action] = useActionState(videoJobAction, null);
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="id" value={videoId} />
      {state && !state.ok && (
        <span role="alert" className="text-xs text-danger">
          {state.error}
        </span>
      )}
      {intent === "cancel" ? (
        <SubmitButton name="intent" value="cancel" variant="danger" size="sm" confirm={`Stop processing “${title}”?`} pendingLabel="Cancelling…">
          Cancel
        </SubmitButton>
      ) : (
        <SubmitButton name="intent" value="retry" variant="secondary" size="sm" pendingLabel="Queuing…">
          Retry
        </SubmitButton>
      )}
    </form>
  );
}
