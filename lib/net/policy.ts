/**
 * What an admin may widen in the one outbound-fetch policy (lib/net/safe-fetch.ts), for URL import and the
 * link proxy alike. Everything else in the policy is fixed: public unicast only, pinned connections, redirects
 * re-checked, no credentials in URLs.
 */
export type FetchPolicy = {
  /** Ports allowed besides 80 and 443. */
  ports: readonly number[];
  /**
   * Host names (exact, lower case) that may resolve to private addresses, e.g. a NAS at home. Loopback,
   * link-local (cloud metadata) and the other special ranges stay refused for them too.
   */
  privateHosts: readonly string[];
};

export const DEFAULT_FETCH_POLICY: FetchPolicy = { ports: [], privateHosts: [] };
