import Link from "next/link";
import type { ReactNode } from "react";
import { cx } from "@/components/ui/cx";
import { RANGES, type RangeKey } from "@/lib/stats/definitions";

/** 24 h / 7 d / 30 d links that keep the rest of the query string. */
export function RangeTabs({ current, href }: { current: RangeKey; href: (range: RangeKey) => string }) {
  return (
    <nav aria-label="Period" className="flex gap-1">
      {(Object.keys(RANGES) as RangeKey[]).map((range) => (
        <Link
          key={range}
          href={href(range)}
          aria-current={range === current ? "page" : undefined}
          className={cx("flex min-h-11 items-center rounded-lg px-3 text-sm font-medium", range === current ? "bg-accent text-white" : "bg-panel-2 text-muted hover:text-fg")}
        >
          {range}
        </Link>
      ))}
    </nav>
  );
}

export function StatCards({ items }: { items: { label: string; value: ReactNode; hint?: string }[] }) {
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
      {items.map((item) => (
        <div key={item.label} className="rounded-xl border border-line bg-panel p-3" data-testid="stat-card" data-stat={item.label}>
          <dt className="text-xs text-muted">{item.label}</dt>
          <dd className="mt-1 text-xl font-semibold tabular-nums">{item.value}</dd>
          {item.hint && <p className="mt-1 text-xs text-muted">{item.hint}</p>}
        </div>
      ))}
    </dl>
  );
}

export function StatsSection({ title, csv, children }: { title: string; csv?: string; children: ReactNode }) {
  const id = `${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-heading`;
  return (
    // min-w-0: a grid item is otherwise as wide as its widest table, and the page scrolls sideways on a phone.
    <section aria-labelledby={id} className="grid min-w-0 grid-cols-1 gap-3">
      <div className="flex items-center justify-between gap-3">
        <h2 id={id} className="text-lg font-semibold">
          {title}
        </h2>
        {csv && (
          <a href={csv} className="text-sm text-accent-text hover:underline" download>
            CSV
          </a>
        )}
      </div>
      {children}
    </section>
  );
}

export type Column<T> = { label: string; cell: (row: T) => ReactNode; numeric?: boolean };

/** A table that scrolls sideways on a phone instead of squeezing its columns. */
export function StatsTable<T>({ rows, columns, rowKey, empty = "No data in this period." }: { rows: T[]; columns: Column<T>[]; rowKey: (row: T) => string; empty?: string }) {
  if (rows.length === 0) return <p className="text-sm text-muted">{empty}</p>;
  return (
    <div className="overflow-x-auto rounded-xl border border-line bg-panel">
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-muted">
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col" className={cx("px-3 py-2 font-medium whitespace-nowrap", c.numeric && "text-right")}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.label} className={cx("px-3 py-2", c.numeric ? "text-right tabular-nums whitespace-nowrap" : "max-w-64 truncate")}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A figure for display: rounded, with its unit, or a dash when there is nothing to compute it from. */
export function figure(value: number | null | undefined, unit = "", digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const rounded = Math.abs(value) >= 100 ? Math.round(value).toLocaleString("en") : (Math.round(value * 10 ** digits) / 10 ** digits).toString();
  return unit ? `${rounded}${unit === "%" ? "" : " "}${unit}` : rounded;
}
