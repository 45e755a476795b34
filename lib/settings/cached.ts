import "server-only";

/**
 * A value read from the settings, kept in memory for paths that must not wait on the database per request (the
 * link proxy's byte path, fetch policy checks). A read older than `maxAgeMs` answers from memory and refreshes in
 * the background, so a change an admin saves applies within seconds on every web process; `forget()` after a save
 * makes this process see it at once.
 */
export function cachedSettings<T>(load: () => Promise<T>, maxAgeMs = 10_000): { get(): Promise<T>; forget(): void } {
  let cached: { value: T; at: number } | null = null;
  let refreshing: Promise<T> | null = null;
  const refresh = () =>
    (refreshing ??= load()
      .then((value) => {
        cached = { value, at: Date.now() };
        return value;
      })
      .finally(() => {
        refreshing = null;
      }));
  return {
    async get() {
      if (!cached) return refresh();
      if (Date.now() - cached.at > maxAgeMs) refresh().catch(() => undefined);
      return cached.value;
    },
    forget() {
      cached = null;
    },
  };
}
