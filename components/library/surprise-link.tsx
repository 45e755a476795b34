import { buttonClasses } from "@/components/ui/button";

/** "Surprise me": a random video within the current filters (works without JavaScript: the API redirects). */
export function SurpriseLink({ q, tags }: { q?: string; tags?: string[] }) {
  const params = new URLSearchParams({ go: "1" });
  if (q) params.set("q", q);
  if (tags?.length) params.set("tags", tags.join(","));
  return (
    <a
      href={`/api/random?${params}`}
      data-testid="surprise-me"
      className={buttonClasses({ variant: "secondary" })}
    >
      <svg aria-hidden viewBox="0 0 24 24" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M16 3h5v5M4 20 21 3M21 16v5h-5M15 15l6 6M4 4l5 5" />
      </svg>
      Surprise me
    </a>
  );
}
