import type { ReactNode, SVGProps } from "react";

/** A few outline icons (24 px grid, currentColor); decorative unless given a title by the caller. */
function outlineIcon(shapes: ReactNode) {
  return function OutlineIcon(props: SVGProps<SVGSVGElement>) {
    return (
      <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" {...props}>
        {shapes}
      </svg>
    );
  };
}

export const MenuIcon = outlineIcon(<path d="M4 7h16M4 12h16M4 17h16" />);
export const CloseIcon = outlineIcon(<path d="M6 6l12 12M18 6L6 18" />);
export const UploadIcon = outlineIcon(<path d="M12 16V4M7 9l5-5 5 5M5 20h14" />);
export const ChevronDownIcon = outlineIcon(<path d="M6 9l6 6 6-6" />);
export const KeyIcon = outlineIcon(
  <>
    <circle cx="8" cy="15" r="4" />
    <path d="M10.8 12.2L20 3M16 7l3 3M14 9l2 2" />
  </>,
);
export const SignOutIcon = outlineIcon(<path d="M15 4h3a2 2 0 012 2v12a2 2 0 01-2 2h-3M10 17l-5-5 5-5M5 12h11" />);
export const LockIcon = outlineIcon(
  <>
    <rect x="4" y="11" width="16" height="10" rx="2" />
    <path d="M8 11V7a4 4 0 018 0v4" />
  </>,
);
