import path from "node:path";
import { env } from "@/lib/env";
import { folderVideoCounts } from "./queries";
import { folderLooksMounted } from "./sync";

export type MediaFolderStatus = {
  path: string;
  /** False when the folder is gone or empty: taken for an unmounted disk, its videos are left alone. */
  available: boolean;
  videos: { total: number; missing: number; failed: number; processing: number };
};

const PROCESSING = ["uploaded", "probing", "playable", "processing"];

/** The configured media folders (REEL_MEDIA_DIRS) as the admin page shows them. */
export async function mediaFolderOverview(dirs: readonly string[] = env.REEL_MEDIA_DIRS): Promise<MediaFolderStatus[]> {
  return Promise.all(
    dirs.map(async (dir) => {
      const resolved = path.resolve(/*turbopackIgnore: true*/ dir);
      const [available, counts] = await Promise.all([folderLooksMounted(resolved), folderVideoCounts(resolved + path.sep)]);
      const sum = (statuses: string[]) => statuses.reduce((n, s) => n + (counts[s] ?? 0), 0);
      return {
        path: resolved,
        available,
        videos: { total: sum(Object.keys(counts)), missing: counts.missing ?? 0, failed: counts.failed ?? 0, processing: sum(PROCESSING) },
      };
    }),
  );
}
