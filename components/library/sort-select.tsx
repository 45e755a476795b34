"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { SORT_LABELS, type CatalogSort } from "@/lib/library/format";

export function SortSelect({ sorts, value }: { sorts: CatalogSort[]; value: CatalogSort }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  return (
    <label className="flex items-center gap-2 text-sm text-muted">
      <span className="hidden sm:inline">Sort</span>
      <select
        value={value}
        data-testid="sort-select"
        onChange={(e) => {
          const next = new URLSearchParams(params);
          next.set("sort", e.target.value);
          router.replace(`${pathname}?${next}`, { scroll: false });
        }}
        className="min-h-11 rounded-lg border border-line bg-panel-2 px-2 text-sm text-fg hover:border-line-strong"
      >
        {sorts.map((s) => (
          <option key={s} value={s}>
            {SORT_LABELS[s]}
          </option>
        ))}
      </select>
    </label>
  );
}
