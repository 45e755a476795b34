/**
 * The app's scripts on a page the early start plays from its HTML: they are held back until the first frame is on
 * screen, so that nothing Reel ships competes with it for the main thread (bench:ttff: with them running meanwhile,
 * the first frame came 1.2–1.4x later than on a bare hls.js page; without, 0.8–0.9x). The web server turns each of
 * the page's async script tags into a data block of the same attributes (a script of a type no browser runs or
 * fetches), marked with APP_SCRIPT_ATTRIBUTE, and drops the framework's preloads of them (lib/server/watch-page.ts).
 * The early start turns them back into scripts at the first frame, and only then are they downloaded: their bytes
 * arriving while the media starts cost the first frame as much as running them (bench:ttff on static copies of the
 * page: with them downloaded from the media's first request on, the first frame came 52 ms later for the HLS ladder
 * and 54 ms later for the MP4, with the controls answering no sooner).
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

/** Marks a data block (a `<script>` of HELD_SCRIPT_TYPE) that stands for one of the app's scripts, held back. */
export const APP_SCRIPT_ATTRIBUTE = "data-reel-app-script";

/** Not a JavaScript type: the browser neither fetches nor runs a script of this type (HTML's "data block"). */
const HELD_SCRIPT_TYPE = "text/x-reel-held";

/**
 * The early start's script tag, which takes over loading the app's scripts. Only the tag counts: a title or a
 * description may well hold the attribute's name as text, but never a `<script` (React escapes `<` in both).
 */
export const EARLY_START_TAG = /<script\b[^>]*\sdata-reel-early-start=/;

/** The nonce of the early start's script tag (markup.ts writes it before the settings), for the scripts put beside it. */
const EARLY_START_NONCE = /<script\b[^>]*\snonce="([^"]*)"[^>]*\sdata-reel-early-start=/;

/** The data block's own attributes, which the script it stands for did not have. */
const HELD_ONLY = new Set(["type", "nonce", APP_SCRIPT_ATTRIBUTE]);

/**
 * Turns the app's held-back scripts back into the scripts the page had, in document order; each once. Called when
 * the first frame is shown (or cannot be), and again when the document is parsed, for those the parser reached after
 * the first call. Each script gets its attributes as they were written: its src as written, not resolved (a script
 * may well be found by it later), and its nonce, which the browser hides from the attribute once parsed.
 */
export function loadAppScripts(doc: Document): number {
  const blocks = doc.querySelectorAll<HTMLScriptElement>(`script[${APP_SCRIPT_ATTRIBUTE}]`);
  for (const block of blocks) {
    block.remove();
    const script = doc.createElement("script");
    for (const { name, value } of block.attributes) if (!HELD_ONLY.has(name)) script.setAttribute(name, value);
    if (block.nonce) script.nonce = block.nonce;
    script.async = true;
    doc.head.appendChild(script);
  }
  return blocks.length;
}

/** A script's src, or a preload's href, naming one of the app's scripts: a file of the build's static folder. */
const APP_SCRIPT_URL = /\b(src|href)="[^"]*\/_next\/static\/[^"]+\.js(\?[^"]*)?"/;

/** The part of a `<script …>` start tag that makes it one of the app's held-back scripts, or null when it is not one. */
function heldAttributes(attributes: string): string | null {
  if (!/\basync(=""|\b)/.test(attributes) || /\bnomodule\b/i.test(attributes) || /\btype=/.test(attributes)) return null;
  if (!APP_SCRIPT_URL.test(attributes)) return null;
  return attributes.replace(/\s+async(="")?/, "");
}

/** A preload of one of the app's scripts, as the framework hints them in the head. */
function isAppScriptPreload(attributes: string): boolean {
  return /\brel="preload"/.test(attributes) && /\bas="script"/.test(attributes) && APP_SCRIPT_URL.test(attributes);
}

/**
 * Rewrites the app's async script tags in `html` into marked data blocks, and drops the preloads of the app's scripts
 * (which would download them meanwhile); everything else is left as it is.
 */
export function holdAppScripts(html: string): string {
  return html
    .replace(/<link\b([^>]*)>/g, (tag, attributes: string) => (isAppScriptPreload(attributes) ? "" : tag))
    .replace(/<script\b([^>]*)><\/script>/g, (tag, attributes: string) => {
      const held = heldAttributes(attributes);
      return held === null ? tag : `<script type="${HELD_SCRIPT_TYPE}" ${APP_SCRIPT_ATTRIBUTE}=""${held.startsWith(" ") ? "" : " "}${held}></script>`;
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
