/** "Surprise me": a random video within the current filters (works without JavaScript: the API redirects). */
export function SurpriseLink({ q, tags }: { q?: string; tags?: string[] }) {
  const params = new URLSearchParams({ go: "1" });
  if (q) params.set("q", q);
  if (tags?.length) params.set("tags", tags.join(","));
  return (
    <a
      href={`/api/random?${params}`}
      data-testid="surprise-me"
      className="rounded-md border border-white/15 bg-panel px-3 py-2 text-sm whitespace-nowrap hover:border-white/40"
    >
      🎲 Surprise me
    </a>
  );
}
