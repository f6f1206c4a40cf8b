"use client";

import { LifecycleBadge, PriceLockBadge } from "@/components/catalog/status-badges";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";
import { characteristics, describeCharacteristic } from "@/lib/catalog/characteristics";
import { formatPrice, prices } from "@/lib/catalog/prices";
import { specifications } from "@/lib/catalog/specifications";
import type { Offering, Specification } from "@/lib/catalog/types";
import { channelLabel, formatDate } from "@/lib/store/search-state";

/** The whole of an offering: its specifications with their characteristics, and its prices. */
export function OfferingDetailsDialog({ item, onClose }: { item: Offering | null; onClose: () => void }) {
  return (
    <Dialog open={item !== null} onOpenChange={(open) => (open ? undefined : onClose())}>
      {item ? (
        <DialogContent title={`Offering “${item.name}”`} description={item.description ?? undefined} className="max-w-2xl">
          <OfferingHierarchy offering={item} />
        </DialogContent>
      ) : null}
    </Dialog>
  );
}

function OfferingHierarchy({ offering }: { offering: Offering }) {
  const specs = specifications.useMany(offering.specificationIds);
  const priceList = prices.useMany(offering.priceIds);
  return (
    <div className="grid gap-5 text-sm" data-testid="offering-details">
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5">
        <dt className="text-muted-foreground">Status</dt>
        <dd>
          <LifecycleBadge status={offering.lifecycleStatus} />
        </dd>
        {offering.publishedAt ? (
          <>
            <dt className="text-muted-foreground">Published</dt>
            <dd>{formatDate(offering.publishedAt)}</dd>
          </>
        ) : null}
        {offering.retiredAt ? (
          <>
            <dt className="text-muted-foreground">Retired</dt>
            <dd>{formatDate(offering.retiredAt)}</dd>
          </>
        ) : null}
        <dt className="text-muted-foreground">Sales channels</dt>
        <dd>{offering.salesChannels.map(channelLabel).join(", ") || "none"}</dd>
        <dt className="text-muted-foreground">Version</dt>
        <dd>{offering.version}</dd>
      </dl>

      <section aria-labelledby="details-specifications" className="grid gap-2">
        <h3 id="details-specifications" className="font-semibold">
          Specifications
        </h3>
        {offering.specificationIds.length === 0 ? <p className="text-muted-foreground">None.</p> : null}
        <ul className="grid gap-2">
          {offering.specificationIds.map((id, index) => {
            const query = specs[index];
            return (
              <li key={id} className="rounded-lg border border-border p-3">
                {query?.data ? (
                  <SpecificationBlock specification={query.data} />
                ) : query?.isError ? (
                  <p className="text-danger">Specification {id.slice(0, 8)} could not be loaded.</p>
                ) : (
                  <Spinner label="Loading the specification" />
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="details-prices" className="grid gap-2">
        <h3 id="details-prices" className="font-semibold">
          Prices
        </h3>
        {offering.priceIds.length === 0 ? <p className="text-muted-foreground">None.</p> : null}
        <ul className="divide-y divide-border rounded-lg border border-border">
          {offering.priceIds.map((id, index) => {
            const price = priceList[index]?.data;
            return (
              <li key={id} className="flex items-center justify-between gap-3 px-3 py-2">
                {price ? (
                  <>
                    <span>{price.name}</span>
                    <span className="flex items-center gap-2 font-medium">
                      {formatPrice(price)}
                      {price.locked ? <PriceLockBadge /> : null}
                    </span>
                  </>
                ) : priceList[index]?.isError ? (
                  <span className="text-danger">Price {id.slice(0, 8)} could not be loaded.</span>
                ) : (
                  <Spinner label="Loading the price" />
                )}
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}

function SpecificationBlock({ specification }: { specification: Specification }) {
  const list = characteristics.useMany(specification.characteristicIds);
  return (
    <div className="grid gap-2">
      <div>
        <p className="font-medium">{specification.name}</p>
        {specification.description ? (
          <p className="text-muted-foreground">{specification.description}</p>
        ) : null}
      </div>
      <ul aria-label={`Characteristics of ${specification.name}`} className="grid gap-1 pl-3">
        {specification.characteristicIds.map((id, index) => {
          const characteristic = list[index]?.data;
          return (
            <li key={id} className="flex justify-between gap-3 border-l-2 border-border pl-3">
              {characteristic ? (
                <>
                  <span>{characteristic.name}</span>
                  <span className="font-medium">{describeCharacteristic(characteristic)}</span>
                </>
              ) : list[index]?.isError ? (
                <span className="text-danger">Characteristic {id.slice(0, 8)} could not be loaded.</span>
              ) : (
                <Spinner label="Loading the characteristic" />
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
