import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Caption } from "@/lib/db/schema";
import { paths } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { readBody } from "@/lib/http/request";
import { layout, storage } from "@/lib/storage";
import { extensionOf } from "./names";
import { insertCaption } from "./queries";

/** Caption files are text: a feature film's subtitles are ~100 KB, so 2 MB is generous. */
export const MAX_CAPTION_BYTES = 2 * 1024 * 1024;

/** UTF-8 when valid (BOM dropped), else Windows-1252, which is what most non-UTF-8 .srt files are. */
export function decodeText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder("windows-1252").decode(bytes);
  }
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

const SRT_TIME = /^(\d{1,2}):(\d{2}):(\d{2})[,.](\d{1,3})$/;

function vttTime(srt: string): string | null {
  const m = SRT_TIME.exec(srt.trim());
  if (!m) return null;
  return `${m[1].padStart(2, "0")}:${m[2]}:${m[3]}.${m[4].padEnd(3, "0")}`;
}

/** SRT markup is a superset of what WebVTT cues accept: keep <i>, <b>, <u>; drop the rest (<font>...). */
function vttText(line: string): string {
  return line
    .replace(/<\/?font[^>]*>/gi, "")
    .replace(/\{\\[^}]*\}/g, "")
    .replace(/&(?![a-z]+;|#\d+;)/gi, "&amp;")
    .replace(/<(?!\/?[ibu]>)/gi, "&lt;")
    .replace(/-->/g, "→");
}

/** SubRip → WebVTT. Throws a 400 naming the first cue it cannot read. */
export function srtToVtt(srt: string): string {
  const blocks = srt.trim().split(/\n{2,}/);
  const cues: string[] = [];
  for (const [i, block] of blocks.entries()) {
    const lines = block.split("\n").filter((l, n) => n > 0 || l.trim() !== "");
    const timingAt = lines.findIndex((l) => l.includes("-->"));
    if (timingAt < 0 || timingAt > 1) throw new AppError("bad_request", `The .srt file is not valid: cue ${i + 1} has no timing line`);
    const [startRaw, endRaw] = lines[timingAt].split("-->");
    // Anything after the end time (SRT position hints X1:.. Y1:..) has no WebVTT equivalent.
    const start = vttTime(startRaw);
    const end = vttTime((endRaw ?? "").trim().split(/\s+/)[0] ?? "");
    if (!start || !end) throw new AppError("bad_request", `The .srt file is not valid: cue ${i + 1} has a bad time "${lines[timingAt]}"`);
    const text = lines.slice(timingAt + 1).map(vttText).filter((l) => l.trim() !== "");
    if (text.length > 0) cues.push(`${start} --> ${end}\n${text.join("\n")}`);
  }
  if (cues.length === 0) throw new AppError("bad_request", "The .srt file has no cues");
  return `WEBVTT\n\n${cues.join("\n\n")}\n`;
}

/** Turns an uploaded caption file into WebVTT text, or explains why it cannot. */
export function toWebVtt(fileName: string, bytes: Uint8Array): string {
  if (bytes.byteLength === 0) throw new AppError("bad_request", "The caption file is empty");
  if (bytes.byteLength > MAX_CAPTION_BYTES) throw new AppError("payload_too_large", "Caption files may be at most 2 MB");
  const text = decodeText(bytes);
  const ext = extensionOf(fileName);
  if (ext === "srt") return srtToVtt(text);
  if (ext === "vtt") {
    if (!/^WEBVTT(?:[ \t][^\n]*)?(\n|$)/.test(text)) throw new AppError("bad_request", "The .vtt file does not start with WEBVTT");
    if (!text.includes("-->")) throw new AppError("bad_request", "The .vtt file has no cues");
    return text.endsWith("\n") ? text : `${text}\n`;
  }
  throw new AppError("unsupported_media", "Captions must be .vtt or .srt files");
}

/** The multipart form of a caption upload, read with a hard limit (a caption is never large). */
export async function readCaptionForm(request: Request): Promise<FormData> {
  const body = await readBody(request, MAX_CAPTION_BYTES + 64 * 1024, () => new AppError("payload_too_large", "Caption files may be at most 2 MB"));
  try {
    return await new Response(body, { headers: { "content-type": request.headers.get("content-type") ?? "" } }).formData();
  } catch {
    throw new AppError("bad_request", "Send the caption as multipart/form-data with a `file` field");
  }
}

/**
 * Stores a caption for a video as `media/<videoId>/captions/<captionId>.vtt` (written under tmp/,
 * then renamed into place), then records it. The row is the last step, so a failure leaves no
 * dangling row; the pipeline's captions job replaces only the captions it extracted itself.
 */
export async function attachCaption(input: { videoId: string; fileName: string; bytes: Uint8Array; lang: string; label: string }): Promise<Caption> {
  const vtt = toWebVtt(input.fileName, input.bytes);
  const id = randomUUID();
  const relative = layout.caption(id);
  const tmpDir = path.join(/*turbopackIgnore: true*/ paths.tmp, "caption-uploads");
  await fs.mkdir(tmpDir, { recursive: true });
  const tmp = path.join(/*turbopackIgnore: true*/ tmpDir, `${id}.vtt`);
  await fs.writeFile(tmp, vtt);
  await storage.publishFile(input.videoId, relative, tmp);
  try {
    return await insertCaption({ id, videoId: input.videoId, lang: input.lang, label: input.label, origin: "upload", file: path.basename(relative) });
  } catch (error) {
    await storage.removeFile(input.videoId, relative);
    throw error;
  }
}
