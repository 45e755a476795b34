"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { CloseIcon, MenuIcon } from "@/components/ui/icons";
import { buttonClasses } from "@/components/ui/button";
import { usePopover } from "@/components/ui/use-popover";
import { NavLinks } from "./nav-links";
import { accountNav, initials, type NavItem, type ShellUser } from "./nav";
import { SignOutForm } from "./sign-out-form";

/** Phones and narrow windows: one button that opens every link of the header in a panel below it. */
export function MobileMenu({ items, user, signOutAction }: { items: NavItem[]; user: ShellUser | null; signOutAction: () => Promise<void> }) {
  // Open "on" a path: following a link lands on a new page, and the panel must not stay over it.
  const pathname = usePathname();
  const { open, close, container, panelId, buttonProps } = usePopover({ id: "mobile-menu", openOn: pathname });

  return (
    <div ref={container} className="lg:hidden">
      <button
        {...buttonProps}
        aria-label={open ? "Close menu" : "Open menu"}
        className={buttonClasses({ variant: "ghost", size: "icon" })}
      >
        {open ? <CloseIcon className="size-6" /> : <MenuIcon className="size-6" />}
      </button>
      {/* Positioned against the sticky header: its backdrop filter would trap a fixed panel anyway. Only there while
          open: every page hydrates the header, and the panel's links would be a good part of it. */}
      {open && (
        <div
          id={panelId}
          className="absolute inset-x-0 top-full h-[calc(100dvh-var(--header-height))] overflow-y-auto border-t border-line bg-surface px-4 pt-3 pb-8"
        >
          <nav aria-label="Main">
            <NavLinks items={items} layout="column" onNavigate={close} />
          </nav>
          <div className="mt-4 border-t border-line pt-4">
            {user ? (
              <>
                <div className="flex items-center gap-3 px-4 pb-3">
                  <span aria-hidden className="flex size-10 items-center justify-center rounded-full bg-panel-2 text-sm font-semibold ring-1 ring-line-strong">
                    {initials(user.name)}
                  </span>
                  <div className="min-w-0">
                    <p className="truncate font-semibold">{user.name}</p>
                    <p className="truncate text-sm text-muted">{user.email}</p>
                  </div>
                </div>
                <ul className="grid gap-1">
                  {accountNav.map((item) => (
                    <li key={item.href}>
                      <Link href={item.href} onClick={close} className="flex min-h-11 items-center rounded-lg px-4 text-base text-muted hover:bg-panel hover:text-fg">
                        {item.label}
                      </Link>
                    </li>
                  ))}
                  <li>
                    <SignOutForm signOutAction={signOutAction} className="flex min-h-11 w-full items-center rounded-lg px-4 text-left text-base text-muted hover:bg-panel hover:text-fg">
                      Sign out
                    </SignOutForm>
                  </li>
                </ul>
              </>
            ) : (
              <Link href="/login" onClick={close} className={buttonClasses({ block: true })}>
                Sign in
              </Link>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
