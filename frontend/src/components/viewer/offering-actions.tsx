"use client";

import { useQueryClient } from "@tanstack/react-query";
import { Archive, Eye, Send } from "lucide-react";
import { useState } from "react";

import { Button } from "@/components/ui/button";
import { notify } from "@/components/ui/toaster";
import { usePublication } from "@/hooks/use-publication";
import { offerings, retire } from "@/lib/catalog/offerings";
import type { Offering } from "@/lib/catalog/types";

import { ConfirmDialog } from "./confirm-dialog";

/**
 * An offering's actions besides edit and delete, by status: a draft can be published (the
 * saga followed to its end, as in the Builder), a published one retired; any can be looked at.
 */
export function OfferingActions({
  offering,
  canWrite,
  onDetails,
}: {
  offering: Offering;
  canWrite: boolean;
  onDetails: (offering: Offering) => void;
}) {
  const client = useQueryClient();
  const publication = usePublication();
  const [retiring, setRetiring] = useState(false);
  const status = offering.lifecycleStatus;

  return (
    <>
      {canWrite && status === "DRAFT" ? (
        <Button
          variant="ghost"
          size="sm"
          busy={publication.isPublishing}
          onClick={() => void publication.publish(offering)}
          aria-label={`Publish ${offering.name}`}
        >
          {publication.isPublishing ? null : <Send aria-hidden />}
          {publication.isPublishing ? "Publishing…" : "Publish"}
        </Button>
      ) : null}
      {canWrite && status === "PUBLISHED" ? (
        <Button variant="ghost" size="sm" onClick={() => setRetiring(true)} aria-label={`Retire ${offering.name}`}>
          <Archive aria-hidden />
          Retire
        </Button>
      ) : null}
      {status !== "DRAFT" || !canWrite ? (
        <Button variant="ghost" size="sm" onClick={() => onDetails(offering)} aria-label={`Details of ${offering.name}`}>
          <Eye aria-hidden />
          Details
        </Button>
      ) : null}
      <ConfirmDialog
        open={retiring}
        onOpenChange={setRetiring}
        title={`Retire offering “${offering.name}”?`}
        description="It leaves the store and cannot be published again."
        confirmLabel="Retire"
        action="retire"
        name={offering.name}
        onConfirm={async () => {
          const retired = await retire(offering);
          client.setQueryData(offerings.keys.detail(retired.id), retired);
          void client.invalidateQueries({ queryKey: offerings.keys.lists() });
          notify.success(`“${retired.name}” is retired`, "It is no longer in the store.");
        }}
        onOutdated={() => void client.invalidateQueries({ queryKey: offerings.keys.lists() })}
      />
    </>
  );
}
