"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cx } from "@/components/ui/cx";
import { isActive, type NavItem } from "./nav";

/** The main links, marking the current section; a row in the header, a column in the phone menu. */
export function NavLinks({ items, layout, onNavigate }: { items: NavItem[]; layout: "row" | "column"; onNavigate?: () => void }) {
  const pathname = usePathname();
  return (
    <ul className={cx(layout === "row" ? "flex items-center gap-1" : "grid gap-1")}>
      {items.map((item) => {
        const active = isActive(pathname, item.href);
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              onClick={onNavigate}
              aria-current={active ? "page" : undefined}
              className={cx(
                "flex min-h-11 items-center rounded-lg px-3 text-sm font-medium transition-colors",
                layout === "column" && "px-4 text-base",
                active ? "bg-panel-2 text-fg" : "text-muted hover:bg-panel hover:text-fg",
              )}
            >
              {item.label}
              {active && layout === "row" && <span className="sr-only"> (current)</span>}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
