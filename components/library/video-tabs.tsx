import Link from "next/link";
import { cx } from "@/components/ui/cx";

/** Edit / Statistics: the owner's pages of one video. */
export function VideoTabs({ videoId, current }: { videoId: string; current: "edit" | "stats" }) {
  const tabs = [
    { key: "edit", href: `/videos/${videoId}/edit`, label: "Edit" },
    { key: "stats", href: `/videos/${videoId}/stats`, label: "Statistics" },
  ] as const;
  return (
    <nav aria-label="Video" className="mb-6 flex gap-1 border-b border-line">
      {tabs.map((tab) => (
        <Link
          key={tab.key}
          href={tab.href}
          aria-current={tab.key === current ? "page" : undefined}
          className={cx("-mb-px flex min-h-11 items-center border-b-2 px-3 text-sm font-medium", tab.key === current ? "border-accent text-fg" : "border-transparent text-muted hover:text-fg")}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
