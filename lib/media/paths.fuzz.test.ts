import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect } from "vitest";
import { fuzz } from "@/test/fuzz";
import { createMediaResolver, releaseFile } from "./resolve";
import { GRANT_ORIGINAL, parseKeyring, signToken } from "./signing";

/**
 * The media path resolver (paths.ts through resolve.ts) on a real folder tree with symlinks that
 * point out of the video folder, into another video, into a media folder from the wrong place,
 * at a sibling that shares the folder's name as a prefix, and in a loop. A reference written
 * here (percent-decode, path.resolve, prefix check, realpath, prefix check again) says where a
 * request may lead; the resolver must never serve a file the reference would not, and on plain
 * names must serve exactly what it would. Tokens come with and without the grant to open the
 * original: without it, nothing of source/ (nor a link into it) is ever served.
 */

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "reel-paths-fuzz-")));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const media = path.join(root, "media");
const library = path.join(root, "library");
const video = randomUUID();
const other = randomUUID();
const dir = path.join(media, video);

function file(rel: string, content = rel): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), content);
}
function link(target: string, rel: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.symlinkSync(target, path.join(root, rel));
}

file("secret.txt");
file("outside/clip.mp4");
file("library/film.mkv");
file("library/sub/other.mkv");
file("library2/film.mkv");
file(`media/${video}evil/seg.m4s`);
file(`media/${other}/mp4/video.mp4`);
file(`media/${video}/source/upload.mkv`);
file(`media/${video}/mp4/video.mp4`);
file(`media/${video}/hls/master.m3u8`);
file(`media/${video}/hls/v0/seg_00001.m4s`);
file(`media/${video}/captions/en.vtt`);
file(`media/${video}/storyboard/storyboard.vtt`);
// Allowed: originals in a media folder, reached through source/.
link(path.join(library, "film.mkv"), `media/${video}/source/film.mkv`);
link(library, `media/${video}/source/lib`);
// Refused: everything else that leads out of the video folder.
link(path.join(root, "secret.txt"), `media/${video}/source/escape`);
link(path.join(root, "library2"), `media/${video}/source/lib2`);
link(path.join(library, "film.mkv"), `media/${video}/mp4/film.mkv`);
link("../..", `media/${video}/hls/up`);
link(`../../${other}/mp4/video.mp4`, `media/${video}/hls/other`);
link(`../../${video}evil/seg.m4s`, `media/${video}/hls/prefix`);
link(path.join(root, "outside"), `media/${video}/thumbs/out`);
link("/etc/hostname", `media/${video}/thumbs/abs`);
link("loop", `media/${video}/storyboard/loop`);
link(`../../${other}`, `media/${video}/captions/other`);
// Inside the video folder, leading to its original: a file only a token with the grant opens.
link("../source/upload.mkv", `media/${video}/thumbs/original.webp`);

const keyring = parseKeyring(`p1:${"p".repeat(40)}`);
const expires = Math.floor(Date.now() / 1000) + 365 * 86400;
/** With the grant (a video without an MP4), and without it (every other playback token). */
const granted: Record<string, string> = { [video]: signToken(video, expires, keyring, GRANT_ORIGINAL), [other]: signToken(other, expires, keyring, GRANT_ORIGINAL) };
const plain: Record<string, string> = { [video]: signToken(video, expires, keyring), [other]: signToken(other, expires, keyring) };
const GRANTED = new Set(Object.values(granted));
const resolver = createMediaResolver({ media, mediaDirs: [library], keyring, ttlMs: 60_000, maxEntries: 64 });

const isInside = (p: string, folder: string) => p.startsWith(folder + path.sep);

/**
 * Where the request may lead, or null: one percent-decoding per segment, resolved lexically under
 * the video folder, then through its symlinks to a regular file still inside the video folder,
 * or inside a media folder when the path starts with source/; and, for a token without the grant,
 * neither under source/ nor leading into it.
 */
function reference(raw: string): string | null {
  const [token, videoId, ...rest] = raw.split("/");
  let segments: string[];
  try {
    segments = rest.map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  if (videoId !== video && videoId !== other) return null;
  const folder = path.join(media, videoId);
  const lexical = path.resolve(folder, ...segments);
  if (!isInside(lexical, folder)) return null;
  let real: string;
  try {
    real = fs.realpathSync(lexical);
    if (!fs.statSync(real).isFile()) return null;
  } catch {
    return null;
  }
  const original = segments[0] === "source" || isInside(real, path.join(folder, "source"));
  if (original && !GRANTED.has(token)) return null;
  if (isInside(real, folder)) return real;
  return segments[0] === "source" && isInside(real, library) ? real : null;
}

async function served(raw: string): Promise<string | null> {
  const found = await resolver.resolve(raw);
  if (!found.ok) return null;
  releaseFile(found.file);
  return found.file.realPath;
}

/**
 * Every path reachable from a video folder by walking the tree (through its symlinks), so the
 * requests below mostly name things that exist, served or not.
 */
function walk(folder: string, depth: number, prefix: string[] = [], out: string[][] = []): string[][] {
  let entries: string[];
  try {
    entries = fs.readdirSync(path.join(folder, ...prefix));
  } catch {
    return out;
  }
  for (const name of entries) {
    const segments = [...prefix, name];
    out.push(segments);
    if (depth > 1) walk(folder, depth - 1, segments, out);
  }
  return out;
}
const TREE = walk(dir, 5);
const OTHER_TREE = walk(path.join(media, other), 3);

const TRICKS = [
  ...["..", ".", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%2e", "%252e%252e", "%2e%2e%2f..", "..%2f..", "%2f", "%2F", "%5c", "%5C", "\\", "..\\.."],
  ...["%00", "\0", "a%00b", "%c0%ae%c0%ae", "%c0%2f", "%e0%80%ae", "%e2%80%a4%e2%80%a4", "%ef%bc%8e%ef%bc%8e", "%ef%bc%8f", "%e2%88%95"],
  ...["．．", "／", "\u2024\u2024", "", "~", "%", "%zz", "%%32%65", "..;", "seg_00001.m4s%00.txt", `%2f${root.slice(1).split("/").join("%2f")}%2fsecret.txt`],
  ...["%2e%2e%5c%2e%2e", ".hidden", "..%00", "%u002e%u002e", "%25", " ", "%20", "hls%2fv0", "v0%2fseg_00001.m4s", "up%2f..%2f..", "/etc/hostname"],
];

/** Percent-encodes some characters of a segment (either hex case), maybe twice. */
const encodedArb = (segment: string) =>
  fc
    .tuple(fc.array(fc.constantFrom(0, 0, 1, 2), { minLength: segment.length, maxLength: segment.length }), fc.boolean())
    .map(([modes, twice]) => {
      const once = [...segment]
        .map((c, i) => {
          if (modes[i] === 0) return c;
          const hex = [...Buffer.from(c)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
          return modes[i] === 1 ? hex : hex.toUpperCase();
        })
        .join("");
      return twice ? once.replaceAll("%", "%25") : once;
    });

type Edit = (segments: string[]) => fc.Arbitrary<string[]>;
const at = (segments: string[]) => fc.nat(segments.length);
const EDITS: Edit[] = [
  (s) => fc.tuple(at(s), fc.constantFrom(...TRICKS)).map(([i, t]) => [...s.slice(0, i), t, ...s.slice(i)]),
  (s) => fc.tuple(at(s), fc.constantFrom(...TRICKS)).map(([i, t]) => [...s.slice(0, i), t, ...s.slice(i + 1)]),
  (s) => at(s).map((i) => [...s.slice(0, i), "..", ...s.slice(i)]),
  (s) => at(s).chain((i) => encodedArb(s[i] ?? "..").map((e) => [...s.slice(0, i), e, ...s.slice(i + 1)])),
  (s) => fc.tuple(at(s), fc.constantFrom("%2f", "%2F", "%5c", "\\", "/", "//", "/./", "/../")).map(([i, j]) => [...s.slice(0, i), s.slice(i, i + 2).join(j), ...s.slice(i + 2)]),
  (s) => fc.constantFrom(...TREE).map((t) => [...s, "..", "..", ...t]),
  (s) => fc.string({ maxLength: 10 }).map((x) => [...s, x]),
];

const editedArb = (segments: string[], edits: number): fc.Arbitrary<string[]> =>
  edits === 0 ? fc.constant(segments) : fc.oneof(...EDITS.map((edit) => edit(segments))).chain((next) => editedArb(next, edits - 1));

const rawArb = fc
  .record({
    // Mostly this video's token and id, so the edits below are what decides.
    token: fc.oneof(
      { weight: 6, arbitrary: fc.constant(granted[video]) },
      { weight: 3, arbitrary: fc.constant(plain[video]) },
      { weight: 1, arbitrary: fc.constantFrom(granted[other], plain[other]) },
    ),
    videoId: fc.oneof(
      { weight: 9, arbitrary: fc.constant(video) },
      { weight: 1, arbitrary: fc.constantFrom(other, video.toUpperCase(), "..", `${video}evil`, "%2e%2e", "") },
    ),
    segments: fc.tuple(fc.constantFrom(...TREE), fc.integer({ min: 0, max: 3 })).chain(([segments, edits]) => editedArb(segments, edits)),
    lead: fc.constantFrom("", "", "", "", "/", "//"),
    trail: fc.constantFrom("", "", "", "", "/", "%2f"),
  })
  .map(({ token, videoId, segments, lead, trail }) => `${token}/${videoId}/${lead}${segments.join("/")}${trail}`);

/** Paths from the tree as they are: here the resolver must serve exactly what the reference finds. */
const plainArb = fc.oneof(
  fc.tuple(fc.constantFrom(granted[video], plain[video]), fc.constantFrom(...TREE)).map(([token, segments]) => `${token}/${video}/${segments.join("/")}`),
  fc.tuple(fc.constantFrom(granted[other], plain[other]), fc.constantFrom(...OTHER_TREE)).map(([token, segments]) => `${token}/${other}/${segments.join("/")}`),
);

describe("media path fuzz", () => {
  fuzz(
    "hostile paths never resolve outside the video folder (or a media folder under source/)",
    fc.asyncProperty(rawArb, async (raw) => {
      const got = await served(raw);
      if (got === null) return;
      const [token, videoId, first] = raw.split("/");
      const original = decodeURIComponent(first) === "source" || isInside(got, path.join(media, videoId, "source"));
      const allowed = (GRANTED.has(token) || !original) && (isInside(got, path.join(media, videoId)) || (decodeURIComponent(first) === "source" && isInside(got, library)));
      expect(allowed, `${JSON.stringify(raw)} served ${got}`).toBe(true);
      expect(got, JSON.stringify(raw)).toBe(reference(raw));
    }),
  );

  fuzz(
    "plain paths resolve exactly as the path.resolve + prefix reference",
    fc.asyncProperty(plainArb, async (raw) => {
      expect(await served(raw), JSON.stringify(raw)).toBe(reference(raw));
    }),
  );
});
