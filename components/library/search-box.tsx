"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";

/** Search as you type: debounced, written to `?q=` so results are shareable and survive reloads. */
export function SearchBox({ placeholder = "Search videos" }: { placeholder?: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [value, setValue] = useState(params.get("q") ?? "");
  const [pending, start] = useTransition();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  const push = (q: string) => {
    const next = new URLSearchParams(params);
    if (q.trim()) next.set("q", q);
    else next.delete("q");
    // A new query ranks by relevance unless the visitor picked a sort.
    if (!q.trim() && next.get("sort") === "relevance") next.delete("sort");
    const qs = next.toString();
    start(() => router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false }));
  };

  return (
    <form
      role="search"
      className="relative w-full sm:w-auto sm:flex-1"
      onSubmit={(e) => {
        e.preventDefault();
        clearTimeout(timer.current);
        push(value);
      }}
    >
      <label htmlFor="library-search" className="sr-only">
        Search
      </label>
      <input
        id="library-search"
        type="search"
        name="q"
        value={value}
        autoComplete="off"
        placeholder={placeholder}
        maxLength={200}
        onChange={(e) => {
          const q = e.target.value;
          setValue(q);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => push(q), 250);
        }}
        className="block min-h-11 w-full rounded-lg border border-line bg-panel-2 px-3 text-base text-fg placeholder:text-muted/70 hover:border-line-strong focus-visible:border-focus sm:text-sm"
        data-testid="search-input"
      />
      {pending && <span className="absolute top-1/2 right-3 h-3 w-3 -translate-y-1/2 animate-spin rounded-full border-2 border-white/30 border-t-white" aria-hidden />}
    </form>
  );
}
