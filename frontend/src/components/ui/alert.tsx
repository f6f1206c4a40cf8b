import { cva, type VariantProps } from "class-variance-authority";
import { CircleAlert, CircleCheck, Info, TriangleAlert } from "lucide-react";
import type { ReactNode } from "react";

import { cn } from "@/lib/utils";

const alertVariants = cva("flex gap-3 rounded-lg border p-3 text-sm [&>svg]:mt-0.5 [&>svg]:size-4", {
  variants: {
    tone: {
      info: "border-info/30 bg-info/5 text-foreground [&>svg]:text-info",
      success: "border-success/30 bg-success/5 text-foreground [&>svg]:text-success",
      warning: "border-warning/30 bg-warning/5 text-foreground [&>svg]:text-warning",
      danger: "border-danger/30 bg-danger/5 text-foreground [&>svg]:text-danger",
    },
  },
  defaultVariants: { tone: "info" },
});

const ICONS = { info: Info, success: CircleCheck, warning: TriangleAlert, danger: CircleAlert };

export interface AlertProps extends VariantProps<typeof alertVariants> {
  title?: ReactNode;
  children?: ReactNode;
  className?: string;
  /** "alert" interrupts a screen reader (errors); "status" waits its turn. */
  role?: "alert" | "status";
}

export function Alert({ tone, title, children, className, role }: AlertProps) {
  const Icon = ICONS[tone ?? "info"];
  return (
    <div
      role={role ?? (tone === "danger" ? "alert" : "status")}
      className={cn(alertVariants({ tone }), className)}
    >
      <Icon aria-hidden />
      <div className="grid gap-1">
        {title ? <p className="font-medium">{title}</p> : null}
        {children ? <div className="text-muted-foreground">{children}</div> : null}
      </div>
    </div>
  );
}
