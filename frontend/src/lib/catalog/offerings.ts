import { useQuery } from "@tanstack/react-query";

import { api, ifMatch, unwrap } from "@/api/client";
import type { operations } from "@/api/generated/offering";

import { defineResource } from "./resource";
import type { Offering, OfferingWrite } from "./types";

export type OfferingQuery = NonNullable<
  operations["offerings-list_offerings"]["parameters"]["query"]
>;

const PATH = "/api/v1/offerings";
const ITEM = "/api/v1/offerings/{offering_id}";

export const offerings = defineResource<Offering, OfferingQuery, OfferingWrite>({
  name: "offerings",
  list: (query) => unwrap(api.offerings.GET(PATH, { params: { query } })),
  get: (id) => unwrap(api.offerings.GET(ITEM, { params: { path: { offering_id: id } } })),
  create: (body) => unwrap(api.offerings.POST(PATH, { body })),
  replace: (current, body) =>
    unwrap(
      api.offerings.PUT(ITEM, {
        params: { path: { offering_id: current.id }, header: ifMatch(current) },
        body,
      }),
    ),
  remove: (current) =>
    unwrap(
      api.offerings.DELETE(ITEM, {
        params: { path: { offering_id: current.id }, header: ifMatch(current) },
      }),
    ).then(() => undefined),
});

/** Starts the publication saga: 202 with the offering in PUBLISHING. */
export function startPublication(current: Offering): Promise<Offering> {
  return unwrap(
    api.offerings.POST(`${ITEM}/publish`, {
      params: { path: { offering_id: current.id }, header: ifMatch(current) },
    }),
  );
}

export function retire(current: Offering): Promise<Offering> {
  return unwrap(
    api.offerings.POST(`${ITEM}/retire`, {
      params: { path: { offering_id: current.id }, header: ifMatch(current) },
    }),
  );
}

export function useSalesChannels() {
  return useQuery({
    queryKey: ["offerings", "sales-channels"],
    queryFn: () => unwrap(api.offerings.GET("/api/v1/offerings/sales-channels")),
    staleTime: Infinity,
  });
}

/** What publishing needs; the server checks the same (400 naming what is missing). */
export interface Publishability {
  specifications: boolean;
  prices: boolean;
  salesChannels: boolean;
}

export function publishability(
  content: Pick<OfferingWrite, "specificationIds" | "priceIds" | "salesChannels">,
): Publishability {
  return {
    specifications: (content.specificationIds?.length ?? 0) > 0,
    prices: (content.priceIds?.length ?? 0) > 0,
    salesChannels: (content.salesChannels?.length ?? 0) > 0,
  };
}

export function isPublishable(content: Parameters<typeof publishability>[0]): boolean {
  const check = publishability(content);
  return check.specifications && check.prices && check.salesChannels;
}

/** "1 spec · 2 prices · 3 channels": what an offering is made of, in one line. */
export function describeOfferingContents(item: {
  specificationIds: readonly unknown[];
  priceIds: readonly unknown[];
  salesChannels: readonly unknown[];
}): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    count(item.specificationIds.length, "spec", "specs"),
    count(item.priceIds.length, "price", "prices"),
    count(item.salesChannels.length, "channel", "channels"),
  ].join(" · ");
}
