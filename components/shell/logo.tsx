import Link from "next/link";

export function Logo() {
  return (
    <Link href="/" className="-ml-1 flex min-h-11 shrink-0 items-center gap-2 rounded-lg px-1 text-xl font-bold tracking-tight">
      <span aria-hidden className="flex size-8 items-center justify-center rounded-lg bg-accent text-white">
        <svg viewBox="0 0 24 24" className="ml-0.5 size-4" fill="currentColor">
          <path d="M7 4.5v15a1 1 0 001.5.86l12.5-7.5a1 1 0 000-1.72L8.5 3.64A1 1 0 007 4.5z" />
        </svg>
      </span>
      <span>Reel</span>
    </Link>
  );
}
