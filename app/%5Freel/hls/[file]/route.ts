import { readFile } from "node:fs/promises";
import path from "node:path";
import { IMMUTABLE } from "@/lib/storage/mime";
import { HLS_SCRIPT_DIR, HLS_SCRIPT_FILES } from "@/lib/playback/hls-script";

/**
 * `/_reel/hls/<file>` (the `%5F` folder makes a route of a name with a leading underscore) where only
 * Next runs: the same hls.js files (light and full build) the Node server's fast path answers first when it runs
 * (lib/server/static-files.ts), so the watch page plays through hls.js under `next start` or on a
 * serverless platform too. A public, versioned script: no viewer to authorise, so no route() wrapper
 * and no session lookup.
 */

const scripts = new Map<string, Promise<Buffer>>();

export async function GET(_request: Request, ctx: { params: Promise<{ file: string }> }): Promise<Response> {
  const { file } = await ctx.params;
  if (!HLS_SCRIPT_FILES.includes(file)) return new Response("not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  let script = scripts.get(file);
  if (!script) {
    script = readFile(path.join(/*turbopackIgnore: true*/ HLS_SCRIPT_DIR, file)).catch((error: unknown) => {
      scripts.delete(file);
      throw error;
    });
    scripts.set(file, script);
  }
  const bytes = await script;
  return new Response(new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length), {
    headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": IMMUTABLE },
  });
}
