"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import type { EditableVideo } from "@/lib/library/queries/editable";
import { DeleteVideoButton } from "./delete-video-button";

const VISIBILITY = [
  ["public", "Public", "Everyone signed in (and guests, while guest access is on)"],
  ["unlisted", "Unlisted", "Anyone with the link; not listed or searched for other people"],
  ["private", "Private", "Only you and administrators"],
] as const;

/**
 * Title, description, tags and visibility (and, for administrators, whether viewers may download it) through
 * PATCH /api/videos/:id; delete (with confirmation) through DELETE.
 */
export function VideoEditForm({ video, isAdmin }: { video: EditableVideo; isAdmin: boolean }) {
  const router = useRouter();
  const [title, setTitle] = useState(video.title);
  const [description, setDescription] = useState(video.description);
  const [tags, setTags] = useState(video.tags.join(", "));
  const [visibility, setVisibility] = useState(video.visibility);
  const [downloadable, setDownloadable] = useState(video.downloadable);
  const [state, setState] = useState<{ busy: boolean; error?: string; saved?: boolean }>({ busy: false });

  const errorOf = async (res: Response) => {
    const body = await res.json().catch(() => null);
    return body?.error?.message ?? `Failed (${res.status})`;
  };

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setState({ busy: true });
    const res = await fetch(`/api/videos/${video.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        title: title.trim(),
        description,
        tags: [...new Set(tags.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean))],
        visibility,
        // Only administrators may change it: the server refuses it from anyone else.
        ...(isAdmin && { downloadable }),
      }),
    });
    if (!res.ok) return setState({ busy: false, error: await errorOf(res) });
    setState({ busy: false, saved: true });
    router.refresh();
  };

  return (
    <form onSubmit={save} className="flex flex-col gap-5">
      <Input label="Title" name="title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={300} />
      <div className="grid gap-1.5">
        <label htmlFor="field-description" className="text-sm font-medium">
          Description
        </label>
        <textarea
          id="field-description"
          name="description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          maxLength={10_000}
          className="block min-h-32 w-full rounded-lg border border-line bg-panel-2 px-3 py-2 text-base text-fg hover:border-line-strong focus-visible:border-focus sm:text-sm"
        />
      </div>
      <Input label="Tags" name="tags" hint="Separated by commas" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="travel, 2024, family" />
      <fieldset className="grid gap-1">
        <legend className="mb-1 text-sm font-medium">Visibility</legend>
        {VISIBILITY.map(([value, label, hint]) => (
          <label key={value} className="flex min-h-11 cursor-pointer items-center gap-3 text-sm">
            <input type="radio" name="visibility" value={value} checked={visibility === value} onChange={() => setVisibility(value)} className="size-4 accent-accent" />
            <span>
              <span className="font-medium">{label}</span> <span className="text-muted">— {hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {isAdmin && (
        <label className="flex min-h-11 cursor-pointer items-center gap-3 text-sm">
          <input type="checkbox" name="downloadable" checked={downloadable} onChange={(e) => setDownloadable(e.target.checked)} className="size-4 accent-accent" />
          <span>
            <span className="font-medium">Allow downloads</span> <span className="text-muted">— everyone who may watch it may download the files</span>
          </span>
        </label>
      )}
      {state.error && <Alert tone="error">{state.error}</Alert>}
      {state.saved && <Alert tone="success">Saved.</Alert>}
      <div className="flex flex-wrap items-center justify-between gap-3">
        <Button type="submit" disabled={state.busy}>
          Save changes
        </Button>
        <DeleteVideoButton videoId={video.id} title={video.title} disabled={state.busy} onError={(error) => setState({ busy: false, error })} />
      </div>
    </form>
  );
}
