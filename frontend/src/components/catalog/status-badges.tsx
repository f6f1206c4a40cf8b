import { Lock } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/spinner";
import type { LifecycleStatus } from "@/lib/catalog/types";

const TONES = {
  DRAFT: "neutral",
  PUBLISHING: "info",
  PUBLISHED: "success",
  RETIRED: "warning",
} as const;

/** An offering's lifecycle status; PUBLISHING spins. */
export function LifecycleBadge({ status }: { status: LifecycleStatus }) {
  return (
    <Badge tone={TONES[status]} data-testid="lifecycle-status">
      {status === "PUBLISHING" ? <Spinner className="size-3" /> : null}
      {status}
    </Badge>
  );
}

/** A price a published offering holds: another offering with it cannot be published. */
export function PriceLockBadge() {
  return (
    <Badge tone="warning" title="In a published offering: another offering with it cannot be published">
      <Lock aria-hidden className="size-3" />
      locked
    </Badge>
  );
}
