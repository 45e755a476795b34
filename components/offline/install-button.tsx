"use client";

import { useSyncExternalStore } from "react";
import { Button } from "@/components/ui/button";

type InstallPrompt = Event & { prompt(): Promise<void>; userChoice: Promise<{ outcome: "accepted" | "dismissed" }> };
type WithOffer = Window & { reelInstallOffer?: InstallPrompt | null };

const OFFER_EVENT = "reel:install-offer";

/**
 * Keeps the browser's install offer from the page's HTML on (the root layout runs it): the browser makes it once per
 * page, often before hydration (the watch page hydrates at the video's first frame), so a listener added by React
 * would miss it.
 */
export const INSTALL_OFFER_SCRIPT = `addEventListener("beforeinstallprompt",function(e){e.preventDefault();window.reelInstallOffer=e;dispatchEvent(new Event("${OFFER_EVENT}"))});addEventListener("appinstalled",function(){window.reelInstallOffer=null;dispatchEvent(new Event("${OFFER_EVENT}"))})`;

const subscribe = (listener: () => void) => {
  window.addEventListener(OFFER_EVENT, listener);
  return () => window.removeEventListener(OFFER_EVENT, listener);
};

/**
 * Shown only where the browser offers to install Reel (Chrome, Edge, Android: the `beforeinstallprompt` event);
 * elsewhere, iOS included, installing is the browser's own "Add to Home Screen".
 */
export function InstallButton() {
  const offer = useSyncExternalStore(subscribe, () => (window as WithOffer).reelInstallOffer ?? null, () => null);
  if (!offer) return null;
  return (
    <Button
      size="sm"
      variant="secondary"
      onClick={async () => {
        await offer.prompt();
        await offer.userChoice.catch(() => null);
        (window as WithOffer).reelInstallOffer = null;
        window.dispatchEvent(new Event(OFFER_EVENT));
      }}
    >
      Install
    </Button>
  );
}
