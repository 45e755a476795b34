import { cx } from "@/components/ui/cx";

/** Five star buttons, lit up to the viewer's `value`; pressing one rates the video with it. */
export function RatingStars({ value, onRate, label, className, starClassName, testId }: { value: number | null; onRate: (value: number) => void; label: string; className: string; starClassName: string; testId?: string }) {
  return (
    <div role="group" aria-label={label} className={className}>
      {[1, 2, 3, 4, 5].map((v) => (
        <button
          key={v}
          type="button"
          onClick={() => onRate(v)}
          aria-pressed={value === v}
          aria-label={`${v} star${v > 1 ? "s" : ""}`}
          data-testid={testId && `${testId}-${v}`}
          className={cx("leading-none hover:scale-110", starClassName, value && v <= value ? "text-warning" : "text-muted")}
        >
          ★
        </button>
      ))}
    </div>
  );
}
