import Link from "next/link";

export function EmptyState({ title, body, action }: { title: string; body?: string; action?: { href: string; label: string } }) {
  return (
    <div className="flex flex-col items-center gap-3 rounded-lg border border-dashed border-white/15 px-6 py-16 text-center" data-testid="empty-state">
      <p className="text-lg font-medium">{title}</p>
      {body && <p className="max-w-md text-sm text-muted">{body}</p>}
      {action && (
        <Link href={action.href} className="rounded-md bg-accent px-4 py-2 text-sm font-semibold hover:bg-red-700">
          {action.label}
        </Link>
      )}
    </div>
  );
}
