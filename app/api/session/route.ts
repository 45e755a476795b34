import { route } from "@/lib/guards/route";

/**
 * Whose session this browser holds: `{ userId }`, or 401 once it ended (signed out everywhere, a new password, the
 * account disabled, the cookie expired). The offline agent asks on start, when back online and when the app is shown
 * again, and the service worker before it sends queued reports (lib/offline/session-check.ts, public/sw.js). Auth.js's
 * /api/auth/session would not do: it trusts the cookie alone and never sees a session ended elsewhere.
 */
export const GET = route({ access: "user" }, ({ viewer }) => ({ userId: viewer.id }));
