import type { ReactNode } from "react";

import { cn } from "@/lib/utils";

import { Label } from "./label";

/** What a control inside a Field gets, so that its label, hint and error are announced. */
export interface FieldControlProps {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby"?: string;
  "aria-required"?: boolean;
}

export interface FieldProps {
  id: string;
  label: string;
  hint?: ReactNode;
  /** A message from client-side validation or the server ("is required" reads "Name is required"). */
  error?: string;
  required?: boolean;
  className?: string;
  /** Rendered after the label (e.g. a character counter). */
  aside?: ReactNode;
  children: (control: FieldControlProps) => ReactNode;
}

/**
 * The services phrase a field's error to follow its name ("is required", "must be at most
 * 200 characters"): put the label in front of those; start anything else with a capital.
 */
export function fieldMessage(label: string, message: string): string {
  if (/^(is|are|must|may|needs|has|have|cannot)\b/.test(message)) return `${label} ${message}`;
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/**
 * A labelled form control with its hint and error: the control is wired to both with
 * aria-describedby and marked aria-invalid while the error shows.
 */
export function Field({ id, label, hint, error, required, className, aside, children }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={cn("grid content-start gap-1.5", className)}>
      <div className="flex items-baseline justify-between gap-2">
        <Label htmlFor={id}>
          {label}
          {required ? (
            <span aria-hidden className="ml-0.5 text-danger">
              *
            </span>
          ) : null}
        </Label>
        {aside}
      </div>
      {children({
        id,
        "aria-invalid": Boolean(error),
        "aria-describedby": describedBy,
        "aria-required": required || undefined,
      })}
      {error ? (
        <p id={errorId} className="text-sm text-danger" data-field-error={id}>
          {fieldMessage(label, error)}
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} className="text-xs text-muted-foreground">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A group of controls (checkboxes) under one legend, with its error. */
export function Fieldset({
  legend,
  error,
  hint,
  id,
  children,
}: {
  legend: string;
  error?: string;
  hint?: ReactNode;
  id: string;
  children: ReactNode;
}) {
  const errorId = error ? `${id}-error` : undefined;
  return (
    <fieldset className="grid gap-2" aria-describedby={errorId}>
      <legend className="mb-1.5 text-sm font-medium text-foreground">{legend}</legend>
      {children}
      {error ? (
        <p id={errorId} className="text-sm text-danger" data-field-error={id}>
          {fieldMessage(legend, error)}
        </p>
      ) : null}
      {hint ? <p className="text-xs text-muted-foreground">{hint}</p> : null}
    </fieldset>
  );
}
