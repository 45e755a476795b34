import { EARLY_START_TAG, gateFirstPaint, holdAppScripts } from "@/components/player/early/app-scripts";
import type { FastPath } from "./fast-path";
import { acceptsGzip, captureResponse, type BodyRewriter } from "./response-cache";
import { isRouterRequest } from "./catalog-fast-paths";

/**
 * Without the early start's script this far into the page, the page is left as Next made it: the player's HTML comes
 * in the first few KB of the body (the header and the head before it are about 7 KB).
 */
const DECIDE_WITHIN_CHARS = 128 * 1024;

/**
 * The watch page's HTML, with the app's scripts held back, and all but the player unrendered, until the first frame
 * where the early start plays the video from the HTML (components/player/early/app-scripts.ts). Until the early
 * start's script has come by, the page is held here: only then is it known whether anything will load the scripts.
 * React sends the head and the player's HTML in its first write, so this holds nothing back for long.
 */
export function appScriptHold(): BodyRewriter {
  let pending = "";
  let held: boolean | null = null;
  // A tag cut by a chunk's end is kept for the next chunk, so that every tag is seen whole.
  const split = (text: string): [string, string] => {
    const open = text.lastIndexOf("<");
    return open === -1 || text.indexOf(">", open) !== -1 ? [text, ""] : [text.slice(0, open), text.slice(open)];
  };
  return {
    push(text) {
      pending += text;
      if (held === null) {
        if (EARLY_START_TAG.test(pending)) {
          held = true;
          pending = gateFirstPaint(pending);
        } else if (pending.length > DECIDE_WITHIN_CHARS || pending.includes("</body>")) held = false;
        else return "";
      }
      if (!held) {
        const out = pending;
        pending = "";
        return out;
      }
      const [whole, rest] = split(pending);
      pending = rest;
      return holdAppScripts(whole);
    },
    end() {
      const out = held ? holdAppScripts(pending) : pending;
      pending = "";
      return out;
    },
  };
}

/** GET /watch/<id> documents go through appScriptHold; Next renders them as usual. */
export const watchPageFastPath: FastPath = {
  prefix: "/watch/",
  handle(req, res, next) {
    if (req.method !== "GET" || isRouterRequest(req)) return next(req, res);
    const gzip = acceptsGzip(req);
    delete req.headers["accept-encoding"];
    captureResponse(res, gzip, null, (status, type) => (status === 200 && type.startsWith("text/html") ? appScriptHold() : null));
    return next(req, res);
  },
};
