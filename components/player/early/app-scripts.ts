/**
 * The app's scripts on a page the early start plays from its HTML: they are held back until the first frame is on
 * screen, so that nothing Reel ships competes with it for the main thread (bench:ttff: with them running meanwhile,
 * the first frame came 1.2–1.4x later than on a bare hls.js page; without, 0.8–0.9x). The web server turns each of
 * the page's async script tags into a preload of the same address, marked with APP_SCRIPT_ATTRIBUTE
 * (lib/server/watch-page.ts): the browser downloads them at once, and runs them when the early start inserts them.
 * Everything here is plain HTML and DOM: no bundler or framework global is involved.
 */

/**
 * On the <html> element while the first frame is awaited: until then the page renders only the player, and what has
 * the class reel-after-first-frame (the header, the details, up next) is left unrendered (app/globals.css), so that
 * the browser's first style and layout pass is the player's alone (bench:ttff: over the whole page it took 40–50 ms
 * of the main thread before the first segment could be appended). Set by the head's first script (firstFrameGate),
 * removed when the app's scripts are loaded, and by that script itself after the hold's time limit whatever happens.
 */
export const FIRST_FRAME_PENDING_ATTRIBUTE = "data-reel-first-frame-pending";

/** Ends the wait for the first frame: everything on the page renders. */
export function revealPage(doc: Document): void {
  doc.documentElement.removeAttribute(FIRST_FRAME_PENDING_ATTRIBUTE);
}

/**
 * The head's first script, before the stylesheet (a classic script after it would wait for it): a script, not an
 * attribute in the HTML, so that a browser without JavaScript, which no early start will reveal, renders everything.
 */
export function firstFrameGate(nonce: string | null, limitMs: number): string {
  const attribute = JSON.stringify(FIRST_FRAME_PENDING_ATTRIBUTE);
  const code = `(function(d){d.setAttribute(${attribute},"");setTimeout(function(){d.removeAttribute(${attribute})},${Math.round(limitMs)})})(document.documentElement)`;
  return `<script${nonce === null ? "" : ` nonce="${nonce}"`}>${code}</script>`;
}

/**
 * The app's scripts wait at most this long for the first frame: a slow start on a slow network must not leave the
 * page's other controls without their scripts, nor the page unrendered, for long (the first frame comes in 0.2–1.5 s,
 * bench:ttff).
 */
export const APP_HOLD_MS = 3000;

/** Marks a `<link rel="preload" as="script">` that stands for one of the app's scripts, held back. */
export const APP_SCRIPT_ATTRIBUTE = "data-reel-app-script";

/**
 * The early start's script tag, which takes over loading the app's scripts. Only the tag counts: a title or a
 * description may well hold the attribute's name as text, but never a `<script` (React escapes `<` in both).
 */
export const EARLY_START_TAG = /<script\b[^>]*\sdata-reel-early-start=/;

/** The nonce of the early start's script tag (markup.ts writes it before the settings), for the scripts put beside it. */
const EARLY_START_NONCE = /<script\b[^>]*\snonce="([^"]*)"[^>]*\sdata-reel-early-start=/;

/** The preload's own attributes, which the script it stands for did not have. */
const PRELOAD_ONLY = new Set(["rel", "as", "fetchpriority", "href", "nonce", APP_SCRIPT_ATTRIBUTE]);

/**
 * Turns the app's held-back scripts back into the scripts the page had, in document order; each once. Called when
 * the first frame is shown (or cannot be), and again when the document is parsed, for those the parser reached after
 * the first call. Each script gets its attributes as they were written: its src as written, not resolved (a script
 * may well be found by it later), and its nonce, which the browser hides from the attribute once parsed.
 */
export function loadAppScripts(doc: Document): number {
  const links = doc.querySelectorAll<HTMLLinkElement>(`link[${APP_SCRIPT_ATTRIBUTE}]`);
  for (const link of links) {
    link.removeAttribute(APP_SCRIPT_ATTRIBUTE);
    const script = doc.createElement("script");
    for (const { name, value } of link.attributes) if (!PRELOAD_ONLY.has(name)) script.setAttribute(name, value);
    script.setAttribute("src", link.getAttribute("href")!);
    if (link.nonce) script.nonce = link.nonce;
    script.async = true;
    doc.head.appendChild(script);
  }
  return links.length;
}

/** The part of a `<script …>` start tag that makes it one of the app's held-back scripts, or null when it is not one. */
function heldAttributes(attributes: string): string | null {
  if (!/\basync(=""|\b)/.test(attributes) || /\bnomodule\b/i.test(attributes) || /\btype=/.test(attributes)) return null;
  if (!/\bsrc="[^"]*\/_next\/static\/[^"]+\.js(\?[^"]*)?"/.test(attributes)) return null;
  return attributes.replace(/\s+async(="")?/, "").replace(/\bsrc="/, 'href="');
}

/** Rewrites the app's async script tags in `html` into marked preloads; everything else is left as it is. */
export function holdAppScripts(html: string): string {
  return html.replace(/<script\b([^>]*)><\/script>/g, (tag, attributes: string) => {
    const held = heldAttributes(attributes);
    // Low: the first segment, fetched meanwhile, comes first.
    return held === null ? tag : `<link rel="preload" as="script" ${APP_SCRIPT_ATTRIBUTE}="" fetchpriority="low"${held.startsWith(" ") ? "" : " "}${held}/>`;
  });
}

/**
 * Puts firstFrameGate at the start of the head of a page known to hold the early start's script tag (EARLY_START_TAG),
 * with that tag's nonce (attribute text as written); a page without a head is returned as it is.
 */
export function gateFirstPaint(html: string, limitMs = APP_HOLD_MS): string {
  const nonce = EARLY_START_NONCE.exec(html)?.[1] ?? null;
  return html.replace(/<head(\s[^>]*)?>/, (tag) => tag + firstFrameGate(nonce, limitMs));
}
