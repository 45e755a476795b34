import { CopyButton } from "@/components/ui/copy-button";

/** An invite URL, shown once, selectable and copyable. */
export function InviteLink({ url }: { url: string }) {
  return (
    <div className="mt-2 flex flex-col gap-2 sm:flex-row sm:items-center">
      <input
        readOnly
        value={url}
        aria-label="Invite link"
        data-testid="invite-link"
        onFocus={(e) => e.currentTarget.select()}
        className="min-h-11 w-full min-w-0 rounded-lg border border-line bg-surface px-3 font-mono text-xs text-fg"
      />
      <CopyButton value={url} label="Copy link" />
    </div>
  );
}
