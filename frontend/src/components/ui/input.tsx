import type { ComponentProps } from "react";

import { cn } from "@/lib/utils";

export const controlClass =
  "w-full rounded-md border border-input bg-surface px-3 text-sm text-foreground shadow-sm " +
  "placeholder:text-muted-foreground focus-visible:outline-none focus-visible:ring-2 " +
  "focus-visible:ring-ring focus-visible:ring-offset-1 disabled:cursor-not-allowed " +
  "disabled:opacity-60 aria-[invalid=true]:border-danger aria-[invalid=true]:ring-danger";

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cn(controlClass, "h-10", className)} {...props} />;
}

export function Textarea({ className, ...props }: ComponentProps<"textarea">) {
  return <textarea className={cn(controlClass, "min-h-24 py-2", className)} {...props} />;
}

/** A native select: keyboard, screen readers and mobile pickers work as people expect. */
export function Select({ className, ...props }: ComponentProps<"select">) {
  return <select className={cn(controlClass, "h-10 pr-8", className)} {...props} />;
}
