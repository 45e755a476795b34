import type { PosterImage } from "@/lib/library/format";

/** 16:9 poster, lazy-loaded with width candidates; a tinted initial when the video has no poster yet. */
export function Poster({ title, poster, eager = false, sizes }: { title: string; poster: PosterImage | null; eager?: boolean; sizes: string }) {
  if (!poster) {
    const hue = [...title].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
    return (
      <div
        aria-hidden
        className="flex h-full w-full items-center justify-center text-3xl font-semibold text-white/70"
        style={{ background: `linear-gradient(135deg, hsl(${hue} 45% 28%), hsl(${(hue + 40) % 360} 35% 14%))` }}
      >
        {title.trim().charAt(0).toUpperCase() || "?"}
      </div>
    );
  }
  return (
    // eslint-disable-next-line @next/next/no-img-element -- signed, pre-sized posters: next/image would re-encode them
    <img
      src={poster.src}
      srcSet={poster.srcSet}
      sizes={sizes}
      alt=""
      loading={eager ? "eager" : "lazy"}
      decoding="async"
      className="h-full w-full object-cover"
    />
  );
}
