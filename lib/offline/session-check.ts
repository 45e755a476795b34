import { forgetOnSignOut } from "./downloader";
import { offlineDataVerdict, readSessionAnswer, type SessionAnswer } from "./rules";
import { readOwner, writeOwner } from "./store";

/** What a check found: nothing to do, or this device's offline data was forgotten, and why. */
export type SessionCheck = "kept" | "signed-out" | "other-account";

async function askServer(): Promise<SessionAnswer> {
  try {
    const response = await fetch("/api/session", { credentials: "same-origin", cache: "no-store" });
    return readSessionAnswer(response.status, await response.json().catch(() => null));
  } catch {
    return "unknown";
  }
}

/**
 * Just after a device is back online its first requests can still fail (the network, or the service worker's view of
 * it, is not up everywhere at once): a check without a clear answer is asked again after these pauses before it gives up.
 */
const RETRY_PAUSES_MS = [500, 1500, 4000];

async function askServerPatiently(): Promise<SessionAnswer> {
  let answer = await askServer();
  for (const pause of RETRY_PAUSES_MS) {
    if (answer !== "unknown" || !navigator.onLine) break;
    await new Promise((resolve) => setTimeout(resolve, pause));
    answer = await askServer();
  }
  return answer;
}

let running: Promise<SessionCheck> | null = null;

/**
 * Whether the offline data on this device still belongs to the account signed in on it. A session can end without
 * this device taking part (signed out everywhere from another device, a new password, the account disabled, the
 * cookie expired), or someone else can sign in on this browser: the data is then forgotten exactly as signing out here
 * forgets it. Without a network, or without a clear answer from Reel after a few tries, nothing is touched. One check at a
 * time.
 */
export function checkSession(): Promise<SessionCheck> {
  running ??= (async (): Promise<SessionCheck> => {
    if (!navigator.onLine) return "kept";
    const answer = await askServerPatiently();
    if (answer === "unknown") return "kept";
    const verdict = offlineDataVerdict({ online: navigator.onLine, owner: await readOwner(), answer });
    if (verdict === "adopt") await writeOwner(answer.userId);
    if (verdict !== "clear") return "kept";
    await forgetOnSignOut(answer.userId);
    return answer.userId === null ? "signed-out" : "other-account";
  })().finally(() => {
    running = null;
  });
  return running;
}
