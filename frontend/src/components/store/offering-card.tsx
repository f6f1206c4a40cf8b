import Link from "next/link";

import { Badge } from "@/components/ui/badge";
import {
  channelLabel,
  excerpt,
  formatStorePrice,
  lowestPrice,
  type StoreOffering,
} from "@/lib/store/search-state";

/** One search result: the whole card opens the offering (its title is the link). */
export function OfferingCard({ offering, href }: { offering: StoreOffering; href: string }) {
  const cheapest = lowestPrice(offering.prices);
  const titleId = `offering-${offering.id}`;
  return (
    <article
      aria-labelledby={titleId}
      className="relative flex h-full flex-col gap-3 rounded-xl border border-border bg-surface p-4 shadow-sm transition-shadow focus-within:ring-2 focus-within:ring-ring hover:shadow-md"
      data-testid="store-result"
    >
      <h3 id={titleId} className="text-base font-semibold leading-snug">
        <Link
          href={href}
          className="after:absolute after:inset-0 after:rounded-xl focus-visible:outline-none"
        >
          {offering.name}
        </Link>
      </h3>
      {offering.description ? (
        <p className="text-sm text-muted-foreground">{excerpt(offering.description)}</p>
      ) : null}
      <div className="mt-auto grid gap-2">
        {cheapest ? (
          <p className="text-sm">
            <span className="text-muted-foreground">From </span>
            <span className="font-semibold" data-testid="lowest-price">
              {formatStorePrice(cheapest)}
            </span>
          </p>
        ) : null}
        <ul aria-label="Sales channels" className="flex flex-wrap gap-1">
          {offering.salesChannels.map((channel) => (
            <li key={channel}>
              <Badge>{channelLabel(channel)}</Badge>
            </li>
          ))}
        </ul>
      </div>
    </article>
  );
}
