import type { IncomingHttpHeaders } from "node:http";
import type { HeaderSource } from "./forwarded";

/** A Node message's headers as Fetch `Headers`; a header Node keeps as a list (set-cookie) keeps every value. */
export function toWebHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  return out;
}

/** A Node message's headers read in place, as `Headers.get` would (a list joined with ", "): no copy for hot paths. */
export function nodeHeaderSource(headers: IncomingHttpHeaders): HeaderSource {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
  };
}
