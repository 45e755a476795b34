"use client";

import { ItemActionForm } from "@/components/ui/item-action-form";
import { SubmitButton } from "@/components/ui/submit-button";
import { videoJobAction } from "./actions";

/** Cancel (a video being processed) or Retry (a failed one); errors show beside the button. */
export function VideoJobButton({ videoId, intent, title }: { videoId: string; intent: "cancel" | "retry"; title: string }) {
  return (
    <ItemActionForm action={videoJobAction} id={videoId}>
      {intent === "cancel" ? (
        <SubmitButton name="intent" value="cancel" variant="danger" size="sm" confirm={`Stop processing “${title}”?`} pendingLabel="Cancelling…">
          Cancel
        </SubmitButton>
      ) : (
        <SubmitButton name="intent" value="retry" variant="secondary" size="sm" pendingLabel="Queuing…">
          Retry
        </SubmitButton>
      )}
    </ItemActionForm>
  );
}
