"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import type { EditableVideo } from "@/lib/library/queries";

const field = "w-full rounded-md border border-white/10 bg-panel px-3 py-2 text-sm focus:border-white/40 focus:outline-none";

/** Title, description, tags and visibility through PATCH /api/videos/:id; delete (with confirmation) through DELETE. */
export function VideoEditForm({ video }: { video: EditableVideo }) {
  const router = useRouter();
  const [title, setTitle] = useState(video.title);
  const [description, setDescription] = useState(video.description);
  const [tags, setTags] = useState(video.tags.join(", "));
  const [visibility, setVisibility] = useState(video.visibility);
  const [state, setState] = useState<{ busy: boolean; error?: string; saved?: boolean }>({ busy: false });
  const confirm = useRef<HTMLDialogElement>(null);

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
      }),
    });
    if (!res.ok) return setState({ busy: false, error: await errorOf(res) });
    setState({ busy: false, saved: true });
    router.refresh();
  };

  const remove = async () => {
    confirm.current?.close();
    setState({ busy: true });
    const res = await fetch(`/api/videos/${video.id}`, { method: "DELETE" });
    if (!res.ok) return setState({ busy: false, error: await errorOf(res) });
    router.push("/videos");
    router.refresh();
  };

  return (
    <form onSubmit={save} className="flex flex-col gap-4">
      <label className="flex flex-col gap-1 text-sm">
        Title
        <input className={field} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={300} name="title" />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Description
        <textarea className={`${field} min-h-32`} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={10000} name="description" />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Tags <span className="text-xs text-muted">separated by commas</span>
        <input className={field} value={tags} onChange={(e) => setTags(e.target.value)} name="tags" placeholder="travel, 2024, family" />
      </label>
      <fieldset className="flex flex-col gap-2 text-sm">
        <legend className="mb-1">Visibility</legend>
        {(
          [
            ["public", "Public", "Everyone signed in (and guests, when guest access is on)"],
            ["unlisted", "Unlisted", "Anyone with the link; never listed or searched"],
            ["private", "Private", "Only you and administrators"],
          ] as const
        ).map(([value, label, hint]) => (
          <label key={value} className="flex items-start gap-2">
            <input type="radio" name="visibility" value={value} checked={visibility === value} onChange={() => setVisibility(value)} className="mt-1" />
            <span>
              {label} <span className="text-xs text-muted">— {hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {state.error && (
        <p role="alert" className="rounded bg-red-900/60 px-3 py-2 text-sm">
          {state.error}
        </p>
      )}
      {state.saved && (
        <p role="status" className="text-sm text-green-400">
          Saved.
        </p>
      )}
      <div className="flex flex-wrap items-center justify-between gap-3">
        <button type="submit" disabled={state.busy} className="rounded-md bg-accent px-4 py-2 text-sm font-semibold hover:bg-red-700 disabled:opacity-50">
          Save changes
        </button>
        <button
          type="button"
          disabled={state.busy}
          onClick={() => confirm.current?.showModal()}
          className="rounded-md border border-red-700 px-4 py-2 text-sm text-red-400 hover:bg-red-950 disabled:opacity-50"
        >
          Delete video
        </button>
      </div>
      <dialog ref={confirm} className="m-auto rounded-lg bg-neutral-900 p-6 text-neutral-100 backdrop:bg-black/70">
        <h2 className="text-lg font-semibold">Delete “{video.title}”?</h2>
        <p className="mt-2 text-sm text-muted">Its files, captions and pending jobs are removed. This cannot be undone.</p>
        <div className="mt-5 flex justify-end gap-2">
          <button type="button" onClick={() => confirm.current?.close()} className="rounded-md px-3 py-1.5 text-sm hover:bg-white/10">
            Cancel
          </button>
          <button type="button" onClick={remove} className="rounded-md bg-red-700 px-3 py-1.5 text-sm font-semibold hover:bg-red-600">
            Delete
          </button>
        </div>
      </dialog>
    </form>
  );
}
