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

/** Share of `query`'s trigrams found in `word`'s: pg_trgm's word_similarity() for single words. */
function similarity(query: Set<string>, word: Set<string>): number {
  let common = 0;
  for (const t of query) if (word.has(t)) common++;
  return common / query.size;
}

/** Whether a word of a result matches the search: one per search, its trigrams made once for every row. */
export type WordMatcher = (word: string) => boolean;

export function wordMatcher(tokens: string[]): WordMatcher {
  const fuzzy = tokens.filter((t) => t.length >= 4).map(trigrams);
  return (word) => {
    const w = word.toLowerCase();
    if (tokens.some((t) => w.startsWith(t))) return true;
    if (!fuzzy.length) return false;
    const grams = trigrams(w);
    return fuzzy.some((query) => similarity(query, grams) >= 0.5);
  };
}

const matcherOf = (search: string[] | WordMatcher): WordMatcher => (typeof search === "function" ? search : wordMatcher(search));

export function highlight(text: string, search: string[] | WordMatcher): Segment[] {
  const matches = matcherOf(search);
  const segments: Segment[] = [];
  const push = (value: string, match: boolean) => {
    if (!value) return;
    const last = segments.at(-1);
    if (last && last.match === match && !match) last.text += value;
    else segments.push({ text: value, match });
  };
  let at = 0;
  for (const m of text.matchAll(WORD)) {
    const isMatch = matches(m[0]);
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
export function snippet(text: string, search: string[] | WordMatcher, width = 160): Segment[] | null {
  const matches = matcherOf(search);
  let first = -1;
  for (const m of text.matchAll(WORD)) {
    if (matches(m[0])) {
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
  return highlight(excerpt, matches);
}
