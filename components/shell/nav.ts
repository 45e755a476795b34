/** What the shell needs to know about the signed-in person (plain data: it crosses to client components). */
export type ShellUser = { name: string; email: string; isAdmin: boolean; mayUpload: boolean };

export type NavItem = { href: string; label: string };

/** Main navigation: browsing for everyone, personal lists and offline downloads when signed in, Upload and Admin by permission. */
export function primaryNav(user: ShellUser | null): NavItem[] {
  const items: NavItem[] = [
    { href: "/", label: "Home" },
    { href: "/videos", label: "Videos" },
  ];
  if (user) items.push({ href: "/favorites", label: "Favorites" }, { href: "/history", label: "History" }, { href: "/play", label: "Play a link" }, { href: "/downloads", label: "Downloads" });
  if (user?.mayUpload) items.push({ href: "/upload", label: "Upload" });
  if (user?.isAdmin) items.push({ href: "/admin", label: "Admin" });
  return items;
}

/** Account links in the user menu. */
export const accountNav: NavItem[] = [
  { href: "/settings/password", label: "Password" },
  { href: "/settings/tokens", label: "API tokens" },
  { href: "/settings/sessions", label: "Sessions" },
];

export function isActive(pathname: string, href: string) {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

export function initials(name: string) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] ?? "?").slice(0, 2);
  return letters.toUpperCase();
}
