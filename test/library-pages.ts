import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import type { Viewer } from "@/lib/auth/viewer";
import { closeDb } from "@/lib/db/client";
import { listCatalog, type CatalogQuery } from "@/lib/library/queries/catalog";
import type { LibraryVideo } from "@/lib/library/queries/video-rows";
import { createViewer } from "./library-data";

/**
 * Every library test works inside its own tag (other test files share the database), so lists are
 * filtered by that tag and contain only this test's rows.
 */
export const newTag = () => `t${randomBytes(4).toString("hex")}`;

/** Every page of a catalog query, following the cursors. */
export async function catalogPages(viewer: Viewer | null, query: CatalogQuery): Promise<LibraryVideo[]> {
  const out: LibraryVideo[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await listCatalog(viewer, { ...query, cursor });
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

export const ids = (videos: LibraryVideo[]) => videos.map((v) => v.id);

/** Two members for a test file, created before its tests; the database connection closes after them. */
export function twoMembers(): { alice: Viewer; bob: Viewer } {
  const members = {} as { alice: Viewer; bob: Viewer };
  beforeAll(async () => {
    members.alice = await createViewer("member");
    members.bob = await createViewer("member");
  });
  afterAll(() => closeDb());
  return members;
}
