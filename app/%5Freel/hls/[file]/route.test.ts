import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HLS_FULL_SCRIPT_FILE, HLS_SCRIPT_DIR, HLS_SCRIPT_FILE, hlsScriptUrl } from "@/lib/playback/hls-script";
import { GET } from "./route";

const get = (file: string) => GET(new Request(`http://reel.test${hlsScriptUrl()}`), { params: Promise.resolve({ file }) });

describe("hls.js where only Next runs", () => {
  it("answers the script the watch page names, cacheable for good (the URL carries the version)", async () => {
    expect(hlsScriptUrl()).toMatch(new RegExp(`^/_reel/hls/${HLS_SCRIPT_FILE.replace(/\./g, "\\.")}\\?v=\\d+\\.\\d+\\.\\d+`));
    const response = await get(HLS_SCRIPT_FILE);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(response.headers.get("cache-control")).toContain("immutable");
    expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(path.join(HLS_SCRIPT_DIR, HLS_SCRIPT_FILE)))).toBe(true);
  });

  it("answers the full build, which videos with alternate audio name", async () => {
    expect(hlsScriptUrl({ alternateAudio: true })).toMatch(/^\/_reel\/hls\/hls\.min\.js\?v=\d+\.\d+\.\d+/);
    const response = await get(HLS_FULL_SCRIPT_FILE);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(path.join(HLS_SCRIPT_DIR, HLS_FULL_SCRIPT_FILE)))).toBe(true);
  });

  it("answers nothing else from the package folder", async () => {
    for (const file of ["hls.js", "hls.light.js", "hls.mjs", "..%2Fpackage.json", "package.json"]) expect((await get(file)).status, file).toBe(404);
  });
});
