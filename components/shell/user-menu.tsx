"use client";

import Link from "next/link";
import { ChevronDownIcon, KeyIcon, SignOutIcon } from "@/components/ui/icons";
import { usePopover } from "@/components/ui/use-popover";
import { accountNav, initials, type ShellUser } from "./nav";
import { SignOutForm } from "./sign-out-form";

/** The avatar button at the right of the header (wide screens) and its account panel. */
export function UserMenu({ user, signOutAction }: { user: ShellUser; signOutAction: () => Promise<void> }) {
  const { open, close, container, panelId, buttonProps } = usePopover();

  return (
    <div ref={container} className="relative">
      <button
        {...buttonProps}
        className="flex min-h-11 items-center gap-2 rounded-full py-1 pr-2 pl-1 text-sm hover:bg-panel-2"
      >
        <span aria-hidden className="flex size-8 items-center justify-center rounded-full bg-panel-2 text-xs font-semibold ring-1 ring-line-strong">
          {initials(user.name)}
        </span>
        <span className="max-w-40 truncate font-medium">{user.name}</span>
        <span className="sr-only">: account menu</span>
        <ChevronDownIcon className={`size-4 text-muted transition-transform ${open ? "rotate-180" : ""}`} />
      </button>
      {open && (
        <div id={panelId} className="absolute right-0 mt-2 w-64 overflow-hidden rounded-xl border border-line bg-panel shadow-2xl shadow-black/50">
          <div className="border-b border-line px-4 py-3">
            <p className="truncate text-sm font-semibold">{user.name}</p>
            <p className="truncate text-xs text-muted">{user.email}</p>
          </div>
          <ul className="p-1">
            {accountNav.map((item) => (
              <li key={item.href}>
                <Link href={item.href} onClick={close} className="flex min-h-11 items-center gap-3 rounded-lg px-3 text-sm hover:bg-panel-2">
                  <KeyIcon className="size-4 text-muted" />
                  {item.label}
                </Link>
              </li>
            ))}
            <li>
              <SignOutForm signOutAction={signOutAction} className="flex min-h-11 w-full items-center gap-3 rounded-lg px-3 text-left text-sm hover:bg-panel-2">
                <SignOutIcon className="size-4 text-muted" />
                Sign out
              </SignOutForm>
            </li>
          </ul>
        </div>
      )}
    </div>
  );
}
