import type { ComponentProps, ReactNode } from "react";
import { cx } from "./cx";

type FieldProps = { label: ReactNode; hint?: ReactNode; error?: string; id?: string; name: string };

const control =
  "block w-full min-h-11 rounded-lg border bg-panel-2 px-3 text-base text-fg placeholder:text-muted/70 transition-colors sm:text-sm " +
  "hover:border-line-strong focus-visible:border-focus disabled:opacity-60";

function describedBy(id: string, hint: unknown, error: unknown) {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
}

function Messages({ id, hint, error }: { id: string; hint?: ReactNode; error?: string }) {
  return (
    <>
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-xs font-medium text-danger">
          {error}
        </p>
      )}
    </>
  );
}

/**
 * A text control (input, select) with its label above and its hint and error below, wired for screen readers:
 * `control` gets the attributes that tie it to them.
 */
function LabelledControl({
  field: { label, hint, error, id, name, className },
  control: render,
}: {
  field: FieldProps & { className?: string };
  control: (props: { id: string; name: string; "aria-invalid"?: true; "aria-describedby"?: string; className: string }) => ReactNode;
}) {
  const controlId = id ?? `field-${name}`;
  return (
    <div className={cx("grid gap-1.5", className)}>
      <label htmlFor={controlId} className="text-sm font-medium">
        {label}
      </label>
      {render({
        id: controlId,
        name,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": describedBy(controlId, hint, error),
        className: cx(control, error ? "border-danger" : "border-line"),
      })}
      <Messages id={controlId} hint={hint} error={error} />
    </div>
  );
}

/** A labelled text input with an optional hint and error. */
export function Input({ label, hint, error, id, name, className, ...props }: FieldProps & Omit<ComponentProps<"input">, "id" | "name">) {
  return <LabelledControl field={{ label, hint, error, id, name, className }} control={(wired) => <input {...wired} {...props} />} />;
}

export function Select({ label, hint, error, id, name, className, children, ...props }: FieldProps & Omit<ComponentProps<"select">, "id" | "name">) {
  return (
    <LabelledControl
      field={{ label, hint, error, id, name, className }}
      control={(wired) => (
        <select {...wired} className={cx(wired.className, "pr-8")} {...props}>
          {children}
        </select>
      )}
    />
  );
}

/** A checkbox whose whole row (44 px high) is the click target. */
export function Checkbox({ label, hint, error, id, name, className, ...props }: FieldProps & Omit<ComponentProps<"input">, "id" | "name" | "type">) {
  const boxId = id ?? `field-${name}`;
  return (
    <div className={cx("grid gap-1", className)}>
      <label htmlFor={boxId} className="flex min-h-11 cursor-pointer items-center gap-3 text-sm">
        <input
          id={boxId}
          name={name}
          type="checkbox"
          aria-describedby={describedBy(boxId, hint, error)}
          className="size-5 shrink-0 cursor-pointer rounded accent-accent"
          {...props}
        />
        <span className="font-medium">{label}</span>
      </label>
      <Messages id={boxId} hint={hint} error={error} />
    </div>
  );
}
