"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { UrlForm, useUrlForm } from "@/components/ui/url-form";
import { progressFraction, timeLeftLabel } from "@/lib/library/format";
import { describeLink, type LinkItem } from "./link-facts";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** What a refusal's `reason` means, in plain words, before the server's own detail. */
const REASONS: Record<string, string> = {
  bad_url: "That is not a link Reel can open",
  not_allowed: "Reel is not allowed to fetch that address",
  not_video: "That link is not a video",
  upstream_error: "The server behind that link did not answer properly",
  timeout: "The server behind that link did not answer in time",
  daily_limit: "You have played as much as Reel allows per day",
};

async function readError(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { reason?: string; error?: { message?: string } } | null;
  const lead = body?.reason ? REASONS[body.reason] : undefined;
  const detail = body?.error?.message ?? `The server answered HTTP ${res.status}`;
  return lead ? `${lead}: ${detail}` : detail;
}

/** Paste a link and play it; the last 20 links, with how far they were watched. */
export function PlayLink({ initial }: { initial: LinkItem[] }) {
  const router = useRouter();
  const { form, error, setError } = useUrlForm<LinkItem>("/api/proxy/links", readError, (link) => router.push(`/play/${link.id}`));
  const [items, setItems] = useState(initial);

  async function remove(id: string | null) {
    setError(null);
    const res = await fetch(id ? `/api/proxy/links/${id}` : "/api/proxy/links", { method: "DELETE" }).catch(() => null);
    if (res?.ok) setItems((list) => (id ? list.filter((l) => l.id !== id) : []));
    else setError(res ? await readError(res) : "The connection to the server was lost");
  }

  return (
    <div className="space-y-6">
      <UrlForm {...form} label="Video link" placeholder="https://example.com/video.mp4 or …/playlist.m3u8" action="Play" testId="play-form" />
      {error && (
        <Alert tone="error" data-testid="play-error">
          {error}
        </Alert>
      )}
      <section>
        <div className="mb-2 flex items-center justify-between gap-2">
          <h2 className="text-base font-semibold">Recent links</h2>
          {items.length > 0 && (
            <Button variant="ghost" size="sm" onClick={() => void remove(null)} data-testid="play-clear">
              Clear
            </Button>
          )}
        </div>
        {items.length === 0 ? (
          <EmptyState title="No links yet" description="Links you play show up here, on every device you sign in on." />
        ) : (
          <ul className="flex flex-col divide-y divide-line" data-testid="play-recent">
            {items.map((link) => {
              const fraction = link.finished ? 1 : progressFraction(link.position, link.duration);
              const left = link.finished ? "watched" : link.position > 0 ? timeLeftLabel(link.position, link.duration) : null;
              return (
                <li key={link.id} className="flex items-center gap-3 py-3" data-testid="play-recent-item" data-link-id={link.id}>
                  <div className="min-w-0 flex-1">
                    <Link href={`/play/${link.id}`} className="line-clamp-1 font-medium hover:underline">
                      {link.title ?? link.host}
                    </Link>
                    <p className="mt-1 text-xs text-muted">
                      {link.host} ·{" "}
                      <time dateTime={link.usedAt} suppressHydrationWarning>
                        {when.format(new Date(link.usedAt))}
                      </time>
                      {left ? ` · ${left}` : ""} · {describeLink(link)[0]}
                    </p>
                    {fraction !== null && fraction > 0 && (
                      <span className="mt-1 block h-1 w-40 bg-white/15">
                        <span className="block h-full bg-accent" style={{ width: `${Math.round(fraction * 100)}%` }} />
                      </span>
                    )}
                  </div>
                  <Button variant="ghost" size="icon" onClick={() => void remove(link.id)} aria-label={`Remove ${link.title ?? link.host}`} data-testid="play-remove">
                    <span aria-hidden>✕</span>
                  </Button>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </div>
  );
}
