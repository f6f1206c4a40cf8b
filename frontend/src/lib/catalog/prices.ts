import { api, ifMatch, unwrap } from "@/api/client";
import type { operations } from "@/api/generated/pricing";

import { defineResource } from "./resource";
import type { Price, PriceWrite } from "./types";

export type PriceQuery = NonNullable<operations["prices-list_prices"]["parameters"]["query"]>;

const PATH = "/api/v1/prices";
const ITEM = "/api/v1/prices/{price_id}";

export const prices = defineResource<Price, PriceQuery, PriceWrite>({
  name: "prices",
  list: (query) => unwrap(api.prices.GET(PATH, { params: { query } })),
  get: (id) => unwrap(api.prices.GET(ITEM, { params: { path: { price_id: id } } })),
  create: (body) => unwrap(api.prices.POST(PATH, { body })),
  replace: (current, body) =>
    unwrap(
      api.prices.PUT(ITEM, {
        params: { path: { price_id: current.id }, header: ifMatch(current) },
        body,
      }),
    ),
  remove: (current) =>
    unwrap(
      api.prices.DELETE(ITEM, {
        params: { path: { price_id: current.id }, header: ifMatch(current) },
      }),
    ).then(() => undefined),
});

/** "19.99 EUR per month": how a price reads everywhere in the UI. */
export function formatPrice(price: Pick<Price, "value" | "currency" | "unit">): string {
  return `${price.value} ${price.currency} ${price.unit}`;
}
