"use client";

import { ArrowLeft, PackageX } from "lucide-react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect } from "react";

import { ApiError, describeError } from "@/api/problem";
import { EmptyState } from "@/components/app/empty-state";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Loading } from "@/components/ui/spinner";
import {
  channelLabel,
  formatDate,
  formatStorePrice,
  formatValue,
  lowestPrice,
  parseSearch,
  searchString,
} from "@/lib/store/search-state";
import { useStoreOffering } from "@/lib/store/store";

/** Where "Back to the results" goes: the search the visitor came from (kept in `?back=`). */
function backHref(params: URLSearchParams): string {
  const back = params.get("back");
  if (!back) return "/store";
  const query = searchString(parseSearch(new URLSearchParams(back)));
  return query ? `/store?${query}` : "/store";
}

/** One published offering with everything in it: specifications, characteristics, prices. */
export function StoreOfferingView({ id }: { id: string }) {
  const params = useSearchParams();
  const offering = useStoreOffering(id);
  const back = backHref(new URLSearchParams(params.toString()));

  useEffect(() => {
    if (offering.data) document.title = `${offering.data.name} · Store · Catalog`;
  }, [offering.data]);

  const backLink = (
    <Button asChild variant="ghost" size="sm" className="-ml-2 w-fit">
      <Link href={back}>
        <ArrowLeft aria-hidden />
        Back to the results
      </Link>
    </Button>
  );

  if (offering.isPending) return <Loading label="Loading the offering…" />;
  if (offering.isError) {
    const missing = offering.error instanceof ApiError && offering.error.status === 404;
    return (
      <div className="grid gap-4">
        {backLink}
        {missing ? (
          <EmptyState icon={PackageX} title="This offering is not in the store">
            It may have been retired, or the link is wrong.
          </EmptyState>
        ) : (
          <Alert tone="danger" title="The offering could not be loaded">
            <p>{describeError(offering.error)}</p>
            <Button variant="secondary" size="sm" className="mt-2" onClick={() => void offering.refetch()}>
              Try again
            </Button>
          </Alert>
        )}
      </div>
    );
  }

  const item = offering.data;
  const cheapest = lowestPrice(item.prices);
  const published = formatDate(item.publishedAt);
  return (
    <article aria-labelledby="offering-title" className="grid gap-6">
      {backLink}
      <header className="grid gap-3">
        <h1 id="offering-title" className="text-2xl font-semibold tracking-tight">
          {item.name}
        </h1>
        {item.description ? <p className="max-w-3xl text-muted-foreground">{item.description}</p> : null}
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
          {cheapest ? (
            <p>
              <span className="text-muted-foreground">From </span>
              <span className="font-semibold">{formatStorePrice(cheapest)}</span>
            </p>
          ) : null}
          {published ? <p className="text-muted-foreground">Published {published}</p> : null}
          <ul aria-label="Sales channels" className="flex flex-wrap gap-1">
            {item.salesChannels.map((channel) => (
              <li key={channel}>
                <Badge>{channelLabel(channel)}</Badge>
              </li>
            ))}
          </ul>
        </div>
      </header>

      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <section aria-labelledby="offering-specifications" className="grid content-start gap-4">
          <h2 id="offering-specifications" className="text-lg font-semibold">
            Specifications
          </h2>
          {item.specifications.map((specification) => (
            <Card key={specification.id} aria-labelledby={`specification-${specification.id}`}>
              <CardHeader>
                <CardTitle id={`specification-${specification.id}`} className="text-base">
                  {specification.name}
                </CardTitle>
                {specification.description ? (
                  <CardDescription>{specification.description}</CardDescription>
                ) : null}
              </CardHeader>
              <CardBody>
                {specification.characteristics.length > 0 ? (
                  <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
                    {specification.characteristics.map((characteristic) => (
                      <div key={characteristic.id} className="contents">
                        <dt className="text-sm text-muted-foreground">{characteristic.name}</dt>
                        <dd className="text-sm font-medium">{formatValue(characteristic)}</dd>
                      </div>
                    ))}
                  </dl>
                ) : (
                  <p className="text-sm text-muted-foreground">No characteristics.</p>
                )}
              </CardBody>
            </Card>
          ))}
        </section>

        <section aria-labelledby="offering-prices" className="grid content-start gap-4">
          <h2 id="offering-prices" className="text-lg font-semibold">
            Prices
          </h2>
          <Card>
            <ul className="divide-y divide-border">
              {item.prices.map((price) => (
                <li key={price.id} className="flex items-baseline justify-between gap-4 p-4">
                  <span className="text-sm">{price.name}</span>
                  <span className="whitespace-nowrap text-sm font-semibold">
                    {formatStorePrice(price)}
                  </span>
                </li>
              ))}
            </ul>
          </Card>
        </section>
      </div>
    </article>
  );
}
