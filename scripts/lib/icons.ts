import fs from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";

/**
 * The app icons the web app manifest and iOS ask for, drawn from the one source Reel has (`app/icon.svg`, also the
 * favicon) into `public/icons/`. Generated, not committed: a changed logo changes every size at the next build.
 * Maskable icons keep the artwork inside the central 80% safe zone on a full-bleed background, since launchers crop
 * them to any shape; the Apple touch icon is opaque too, as iOS draws transparency as black.
 */
export const ICON_SOURCE = path.join("app", "icon.svg");
export const ICON_DIR = path.join("public", "icons");
const BACKGROUND = "#0e1015";

type IconSpec = { file: string; size: number; inset: number; background: string | null };

export const ICONS: IconSpec[] = [
  { file: "icon-192.png", size: 192, inset: 0, background: null },
  { file: "icon-512.png", size: 512, inset: 0, background: null },
  { file: "maskable-512.png", size: 512, inset: 0.2, background: BACKGROUND },
  { file: "apple-touch-icon.png", size: 180, inset: 0.1, background: BACKGROUND },
];

async function render(svg: Buffer, { size, inset, background }: IconSpec): Promise<Buffer> {
  const inner = Math.round(size * (1 - inset));
  const art = await sharp(svg, { density: 72 * Math.ceil(inner / 32) }).resize(inner, inner).png().toBuffer();
  if (!background) return art;
  const offset = Math.round((size - inner) / 2);
  return sharp({ create: { width: size, height: size, channels: 4, background } })
    .composite([{ input: art, left: offset, top: offset }])
    .png()
    .toBuffer();
}

/** Writes every icon that is missing or older than the source; returns the files written. */
export async function buildIcons(root: string): Promise<string[]> {
  const source = path.join(root, ICON_SOURCE);
  const [svg, sourceStat] = await Promise.all([fs.readFile(source), fs.stat(source)]);
  await fs.mkdir(path.join(root, ICON_DIR), { recursive: true });
  const written: string[] = [];
  for (const icon of ICONS) {
    const target = path.join(root, ICON_DIR, icon.file);
    const stat = await fs.stat(target).catch(() => null);
    // Left alone when current: rewriting would change the build's source fingerprint for nothing.
    if (stat && stat.mtimeMs >= sourceStat.mtimeMs) continue;
    await fs.writeFile(target, await render(svg, icon));
    written.push(target);
  }
  return written;
}
