"use client";

/**
 * Toasts (sonner): one place that says how the app announces outcomes. Errors stay until
 * dismissed (they usually need reading); the rest go after a few seconds.
 */
import { toast, Toaster as Sonner } from "sonner";

export function Toaster() {
  return (
    <Sonner
      position="top-right"
      closeButton
      duration={5000}
      toastOptions={{ classNames: { toast: "text-sm", description: "text-sm" } }}
    />
  );
}

export const notify = {
  success: (title: string, description?: string) => toast.success(title, { description }),
  info: (title: string, description?: string) => toast.info(title, { description }),
  warning: (title: string, description?: string) =>
    toast.warning(title, { description, duration: 10_000 }),
  error: (title: string, description?: string) =>
    toast.error(title, { description, duration: Infinity }),
};
