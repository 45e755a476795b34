import Link from "next/link";

/** Tag filter chips: each toggles its tag in `?tags=` (videos must carry all selected tags). Plain links. */
export function TagChips({ tags, selected, basePath, query }: { tags: string[]; selected: string[]; basePath: string; query: { q?: string; sort?: string } }) {
  const href = (tag: string) => {
    const next = selected.includes(tag) ? selected.filter((t) => t !== tag) : [...selected, tag];
    const params = new URLSearchParams();
    if (query.q) params.set("q", query.q);
    if (query.sort) params.set("sort", query.sort);
    if (next.length) params.set("tags", next.join(","));
    const qs = params.toString();
    return qs ? `${basePath}?${qs}` : basePath;
  };
  const shown = [...selected.filter((t) => !tags.includes(t)), ...tags];
  if (!shown.length) return null;
  return (
    <nav aria-label="Filter by tag" className="-mx-4 overflow-x-auto px-4 sm:mx-0 sm:px-0">
      <ul className="flex gap-2 pb-1 sm:flex-wrap">
        {shown.map((tag) => {
          const on = selected.includes(tag);
          return (
            <li key={tag} className="shrink-0">
              <Link
                href={href(tag)}
                scroll={false}
                aria-current={on ? "true" : undefined}
                data-testid="tag-chip"
                className={`block rounded-full border px-3 py-1 text-sm whitespace-nowrap ${
                  on ? "border-fg bg-fg text-surface" : "border-line bg-panel-2 text-fg hover:border-line-strong"
                }`}
              >
                {on && <span aria-hidden>✓ </span>}#{tag}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
