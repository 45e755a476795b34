import type { Segment } from "@/lib/library/highlight";

/** Search highlights: plain-text segments, so titles and descriptions can never inject markup. */
export function Highlighted({ segments, fallback }: { segments?: Segment[] | null; fallback: string }) {
  if (!segments) return <>{fallback}</>;
  return (
    <>
      {segments.map((s, i) =>
        s.match ? (
          <mark key={i} className="rounded-sm bg-accent/30 px-0.5 text-inherit">
            {s.text}
          </mark>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}
