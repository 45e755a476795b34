import type { Metadata, Viewport } from "next";
import { INSTALL_OFFER_SCRIPT } from "@/components/offline/install-button";
import { OfflineAgent } from "@/components/offline/offline-agent";
import { PlayerWarmup } from "@/components/player/player-warmup";
import { AppHeader } from "@/components/shell/app-header";
import { currentViewer } from "@/lib/guards/pages";
import { isAdmin, mayUpload } from "@/lib/auth/viewer";
import { pageNonce } from "@/lib/http/page-nonce";
import { hlsScriptUrl } from "@/lib/playback/hls-script";
import { logout } from "./login/actions";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Reel", template: "%s · Reel" },
  description: "Your videos, streamed to every screen.",
  manifest: "/manifest.webmanifest",
  appleWebApp: { capable: true, title: "Reel", statusBarStyle: "black-translucent" },
  // Naming icons here replaces the ones Next would link from app/icon.svg, so the site icon is named too.
  icons: { icon: { url: "/icon.svg", type: "image/svg+xml" }, apple: "/icons/apple-touch-icon.png" },
};

export const viewport: Viewport = { themeColor: "#0e1015", width: "device-width", initialScale: 1, colorScheme: "dark" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const viewer = await currentViewer();
  const user = viewer && { name: viewer.name, email: viewer.email, isAdmin: isAdmin(viewer), mayUpload: mayUpload(viewer) };
  return (
    <html lang="en" className="dark">
      <body className="flex min-h-dvh flex-col">
        <a href="#main" className="sr-only z-50 rounded-lg bg-panel px-4 py-3 focus:not-sr-only focus:fixed focus:top-2 focus:left-2">
          Skip to content
        </a>
        <AppHeader user={user} signOutAction={logout} />
        <PlayerWarmup script={hlsScriptUrl()} />
        <OfflineAgent />
        <main id="main" className="mx-auto w-full max-w-screen-2xl flex-1 px-4 py-6 sm:px-6 sm:py-8 lg:px-8">
          {children}
        </main>
        {/* After the page: a classic inline script waits for the stylesheet, and holds back the parser meanwhile
            (the watch page's <video> must reach it at once). The browser's install offer comes long after. */}
        <script nonce={await pageNonce()} dangerouslySetInnerHTML={{ __html: INSTALL_OFFER_SCRIPT }} />
      </body>
    </html>
  );
}
