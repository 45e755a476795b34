/**
 * Search-result highlighting done in code rather than with ts_headline: the output is a list of plain-text
 * segments that React (or any JSON client) renders as text, so a title containing markup can never become
 * markup. A word is marked when it starts with a query word (prefix search) or is a close trigram match
 * of one (the typo tolerance of the search).
 */
export type Segment = { text: string; match: boolean };

const WORD = /[\p{L}\p{N}]+/gu;

function trigrams(word: string): Set<string> {
  const padded = `  ${word} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
}

/** Share of the query word's trigrams found in the word: pg_trgm's word_similarity() for single words. */
export function wordSimilarity(query: string, word: string): number {
  const tq = trigrams(query);
  const tw = trigrams(word);
  let common = 0;
  for (const t of tq) if (tw.has(t)) common++;
  return common / tq.size;
}

function matches(word: string, tokens: string[]): boolean {
  const w = word.toLowerCase();
  return tokens.some((t) => w.startsWith(t) || (t.length >= 4 && wordSimilarity(t, w) >= 0.5));
}

export function highlight(text: string, tokens: string[]): Segment[] {
  const segments: Segment[] = [];
  const push = (value: string, match: boolean) => {
    if (!value) return;
    const last = segments.at(-1);
    if (last && last.match === match && !match) last.text += value;
    else segments.push({ text: value, match });
  };
  let at = 0;
  for (const m of text.matchAll(WORD)) {
    const isMatch = tokens.length > 0 && matches(m[0], tokens);
    if (!isMatch) continue;
    push(text.slice(at, m.index), false);
    push(m[0], true);
    at = m.index + m[0].length;
  }
  push(text.slice(at), false);
  return segments;
}

/**
 * A window of the text around its first matching word (or its start), highlighted; ellipses mark cuts.
 * Returns null when nothing in the text matches, so results show a description excerpt only when it helps.
 */
export function snippet(text: string, tokens: string[], width = 160): Segment[] | null {
  let first = -1;
  for (const m of text.matchAll(WORD)) {
    if (matches(m[0], tokens)) {
      first = m.index;
      break;
    }
  }
  if (first < 0) return null;
  let start = Math.max(0, first - Math.floor(width / 3));
  // Do not cut a word in two at the start.
  if (start > 0) {
    const space = text.indexOf(" ", start);
    start = space >= 0 && space < first ? space + 1 : start;
  }
  const end = Math.min(text.length, start + width);
  const excerpt = (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  return highlight(excerpt, tokens);
}
