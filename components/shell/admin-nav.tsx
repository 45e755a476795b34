"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cx } from "@/components/ui/cx";
import { isActive, type NavItem } from "./nav";

/** Sections of the admin area; each admin page adds its entry here. */
export const adminNav: (NavItem & { exact?: boolean })[] = [
  // Exact: every other admin page is under /admin too.
  { href: "/admin", label: "Overview", exact: true },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/jobs", label: "Jobs" },
  { href: "/admin/media-folders", label: "Media folders" },
  { href: "/admin/settings", label: "Settings" },
  { href: "/admin/quality", label: "Quality" },
  { href: "/admin/audience", label: "Audience" },
];

export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Admin" className="-mx-4 overflow-x-auto border-b border-line px-4 sm:mx-0 sm:px-0">
      <ul className="flex gap-1">
        {adminNav.map((item) => {
          const active = item.exact ? pathname === item.href : isActive(pathname, item.href);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? "page" : undefined}
                className={cx(
                  "-mb-px flex min-h-11 items-center border-b-2 px-3 text-sm font-medium whitespace-nowrap",
                  active ? "border-accent text-fg" : "border-transparent text-muted hover:text-fg",
                )}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
