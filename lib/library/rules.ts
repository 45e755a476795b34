import { z } from "zod";
import { AppError } from "@/lib/errors";
import { SORTS, type CatalogSort } from "./format";

/** Without a search, "relevance" means nothing: fall back to newest. With one, relevance is the default. */
export function effectiveSort(sort: CatalogSort | undefined, q: string | undefined): CatalogSort {
  const searching = searchTokens(q).length > 0;
  if (!sort) return searching ? "relevance" : "newest";
  return sort === "relevance" && !searching ? "newest" : sort;
}

/** How many videos a list page holds unless its request asks for another number (up to PAGE_LIMIT_MAX). */
export const PAGE_SIZE = 24;
export const PAGE_LIMIT_MAX = 60;
export const TAGS_MAX = 10;
export const QUERY_MAX = 200;

/** A tag as people type it: trimmed and lower-cased, as lib/videos stores tags. */
export const tagSchema = z.string().trim().toLowerCase().min(1).max(50);

/**
 * Words of a search query: runs of letters and digits, lower-cased. Everything else is dropped, so what
 * reaches to_tsquery can never contain its operators.
 */
export function searchTokens(q: string | undefined | null): string[] {
  if (!q) return [];
  return (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 12);
}

/** `to_tsquery('simple', …)` input: every word as a prefix, all of them required. */
export function prefixTsquery(tokens: string[]): string {
  return tokens.map((t) => `${t}:*`).join(" & ");
}

/**
 * Cursors are opaque to clients: base64url JSON of the sort they belong to and the last row's sort keys
 * (as Postgres printed them, so timestamps keep their microseconds and floats their exact value).
 */
const cursorSchema = z.object({ s: z.enum(SORTS), k: z.array(z.string()).min(1).max(3) });
export type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(raw: string, sort: CatalogSort): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success || result.data.s !== sort) {
    throw new AppError("bad_request", "Invalid query: cursor: not a cursor of this list (sort changed?)", {
      fields: [{ field: "cursor", message: "invalid cursor" }],
    });
  }
  return result.data;
}

const CURSOR_VALUE: Record<string, RegExp> = {
  timestamptz: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/,
  float8: /^-?(\d+(\.\d+)?(e[+-]?\d+)?|Infinity|NaN)$/i,
  int4: /^-?\d{1,10}$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  text: /^[\s\S]{0,400}$/,
};

/**
 * The cursor's keys for a list sorted by keys of these Postgres types: a forged cursor is a 400, never a
 * cast error in the database.
 */
export function cursorKeys(raw: string, sort: CatalogSort, casts: string[]): string[] {
  const { k } = decodeCursor(raw, sort);
  if (k.length !== casts.length || k.some((value, i) => !CURSOR_VALUE[casts[i]].test(value))) {
    throw new AppError("bad_request", "Invalid query: cursor: malformed", { fields: [{ field: "cursor", message: "malformed cursor" }] });
  }
  return k;
}

export const VIEW_MIN_SECONDS = 5;
export const VIEW_WINDOW_MINUTES = 30;
export const CONTINUE_WATCHING_DAYS = 90;
export const UP_NEXT_LIMIT = 12;

/** Lists in order of preference → one list without the current video or repeats, at most `limit` long. */
export function mergeUpNext<T extends { id: string }>(currentId: string, lists: T[][], limit: number): T[] {
  const seen = new Set([currentId]);
  const out: T[] = [];
  for (const item of lists.flat()) {
    if (out.length >= limit) break;
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    out.push(item);
  }
  return out;
}

/** `?tags=a,b` or `?tags=a&tags=b`. */
const tagsParam = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => [...new Set((Array.isArray(v) ? v : [v]).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean))])
  .pipe(z.array(tagSchema).max(TAGS_MAX));

/** The catalog's query string, shared by GET /api/videos, GET /api/random and the pages. */
export const catalogQuerySchema = z.object({
  q: z.string().trim().max(QUERY_MAX).optional(),
  tags: tagsParam.optional(),
  sort: z.enum(SORTS).optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_SIZE),
});
export type CatalogQueryInput = z.input<typeof catalogQuerySchema>;

/** Page search params are forgiving: a bad value is dropped rather than answered with an error page. */
export function catalogQueryFromSearchParams(params: Record<string, string | string[] | undefined>) {
  const clean: Record<string, unknown> = {};
  for (const key of ["q", "tags", "sort"] as const) {
    const one = catalogQuerySchema.shape[key].safeParse(params[key]);
    if (one.success) clean[key] = one.data;
  }
  return clean as { q?: string; tags?: string[]; sort?: CatalogSort };
}

export const videoIdSchema = z.object({ id: z.guid() });
export const ratingBodySchema = z.object({ value: z.number().int().min(1).max(5) });
export const viewBodySchema = z.object({ watchedSeconds: z.number().finite().min(0).max(86_400) });
export const pageQuerySchema = z.object({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_SIZE),
});
