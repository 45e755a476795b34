import "server-only";
import { db } from "@/lib/db/client";
import { captions, type Caption, type NewCaption } from "@/lib/db/schema";

export async function insertCaption(values: NewCaption): Promise<Caption> {
  const [row] = await db.insert(captions).values(values).returning();
  return row;
}
