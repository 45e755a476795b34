import fs from "node:fs/promises";

export type Box = { type: string; offset: number; size: number };

const KNOWN_TOP_LEVEL = new Set(["ftyp", "moov", "mdat", "free", "skip", "wide", "uuid", "pdin", "moof", "mfra", "meta", "sidx", "styp", "prft", "emsg"]);

/**
 * The top-level boxes of an ISO-BMFF (MP4/MOV) file, read from their 8–16 byte headers only
 * (no payload is read, so this is instant even for huge files). Returns null when the file does
 * not start like an MP4. `truncated` is set when a box claims more bytes than the file holds.
 */
export async function scanTopLevelBoxes(absolutePath: string): Promise<{ boxes: Box[]; truncated: boolean } | null> {
  const handle = await fs.open(absolutePath, "r");
  try {
    const { size: fileSize } = await handle.stat();
    const header = Buffer.alloc(16);
    const boxes: Box[] = [];
    let offset = 0;
    while (offset + 8 <= fileSize && boxes.length < 10_000) {
      const { bytesRead } = await handle.read(header, 0, 16, offset);
      if (bytesRead < 8) break;
      let size = header.readUInt32BE(0);
      const type = header.toString("latin1", 4, 8);
      if (boxes.length === 0 && !KNOWN_TOP_LEVEL.has(type)) return null;
      if (!/^[\x20-\x7e]{4}$/.test(type)) return boxes.length ? { boxes, truncated: true } : null;
      if (size === 1) {
        if (bytesRead < 16) return { boxes, truncated: true };
        size = Number(header.readBigUInt64BE(8));
      } else if (size === 0) {
        size = fileSize - offset; // "extends to the end of the file"
      }
      if (size < 8) return { boxes, truncated: true };
      boxes.push({ type, offset, size });
      if (offset + size > fileSize) return { boxes, truncated: true };
      offset += size;
    }
    return { boxes, truncated: offset < fileSize && fileSize - offset < 8 && offset !== fileSize };
  } finally {
    await handle.close();
  }
}

/** True when the index (moov) comes before the media data, so players can start before downloading it all. */
export function isFaststart(boxes: Box[]): boolean {
  const moov = boxes.findIndex((b) => b.type === "moov");
  const mdat = boxes.findIndex((b) => b.type === "mdat");
  return moov !== -1 && (mdat === -1 || moov < mdat);
}
