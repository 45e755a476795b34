import type { IncomingHttpHeaders } from "node:http";

/** A Node message's headers as Fetch `Headers`; a header Node keeps as a list (set-cookie) keeps every value. */
export function toWebHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  return out;
}
