// Pure: shared by the server-rendered watch page and its tests.

/** A run of description text; `href` when the run is a web address to show as a link. */
export type TextRun = { text: string; href?: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than the address ("see https://a.example/x."). */
const TRAILING = /[.,;:!?'"»”’]+$/;

function trimAddress(raw: string): string {
  let url = raw.replace(TRAILING, "");
  // "(see https://a.example/x)": the closing parenthesis belongs to the text unless the address opened one.
  while (url.endsWith(")") && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) url = url.slice(0, -1).replace(TRAILING, "");
  return url;
}

/**
 * Splits plain text into runs, with http(s) addresses as links. Nothing in the text becomes markup: the runs are
 * rendered as React text, and only addresses that parse as http(s) URLs get an href.
 */
export function linkify(text: string): TextRun[] {
  const runs: TextRun[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const address = trimAddress(match[0]);
    let href: string | null = null;
    try {
      const url = new URL(address);
      if (url.protocol === "http:" || url.protocol === "https:") href = url.href;
    } catch {
      href = null;
    }
    if (!href) continue;
    if (match.index > last) runs.push({ text: text.slice(last, match.index) });
    runs.push({ text: address, href });
    last = match.index + address.length;
  }
  if (last < text.length) runs.push({ text: text.slice(last) });
  return runs;
}
