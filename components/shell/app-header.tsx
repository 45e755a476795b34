import { InstallButton } from "@/components/offline/install-button";
import { ButtonLink } from "@/components/ui/button";
import { Logo } from "./logo";
import { MobileMenu } from "./mobile-menu";
import { NavLinks } from "./nav-links";
import { primaryNav, type ShellUser } from "./nav";
import { UserMenu } from "./user-menu";

/**
 * The header every page renders under: logo, main navigation, account menu. From the lg breakpoint the links sit
 * in the bar (up to eight of them, which a 768 px tablet cannot hold); below it they move into the phone menu.
 */
export function AppHeader({ user, signOutAction }: { user: ShellUser | null; signOutAction: () => Promise<void> }) {
  const items = primaryNav(user);
  return (
    <header className="reel-after-first-frame sticky top-0 z-40 h-[var(--header-height)] border-b border-line bg-surface/95 backdrop-blur supports-[backdrop-filter]:bg-surface/80">
      <div className="mx-auto flex h-full max-w-screen-2xl items-center gap-4 px-4 sm:px-6 lg:px-8">
        <Logo />
        <nav aria-label="Main" className="hidden lg:block">
          <NavLinks items={items} layout="row" />
        </nav>
        <div className="ml-auto flex items-center gap-2">
          <InstallButton />
          <div className="hidden lg:block">
            {user ? (
              <UserMenu user={user} signOutAction={signOutAction} />
            ) : (
              <ButtonLink href="/login" size="sm">
                Sign in
              </ButtonLink>
            )}
          </div>
          <MobileMenu items={items} user={user} signOutAction={signOutAction} />
        </div>
      </div>
    </header>
  );
}
