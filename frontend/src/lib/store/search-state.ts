/**
 * The Store's search in the URL query, all of it (`/store?q=fibre&channel=ONLINE&
 * characteristic=Download+speed&unit.Mbps.min=100&sort=price&shown=24`): a search is a link,
 * a reload keeps it and the back button restores the previous one. The API's parameters
 * have the same names, so most of the state passes through as it is.
 */
import type { components, operations } from "@/api/generated/store";

export type StoreOffering = components["schemas"]["StoreOfferingPublic"];
export type StorePrice = components["schemas"]["PricePublic"];
export type Facets = components["schemas"]["FacetsPublic"];
export type StoreQuery = NonNullable<operations["store-search_offerings"]["parameters"]["query"]>;

export const STORE_PAGE_SIZE = 12;

export const STORE_SORTS = [
  { value: "", label: "Relevance", needsText: true },
  { value: "-publishedAt", label: "Newest first" },
  { value: "publishedAt", label: "Oldest first" },
  { value: "price", label: "Price: low to high" },
  { value: "-price", label: "Price: high to low" },
  { value: "name", label: "Name: A to Z" },
  { value: "-name", label: "Name: Z to A" },
] as const;

/** What the list is sorted by when nothing is chosen: relevance for a text, else newest. */
export function effectiveSort(state: Pick<SearchState, "q" | "sort">): string {
  if (state.sort) return state.sort;
  return state.q ? "" : "-publishedAt";
}

export interface UnitRange {
  min: string;
  max: string;
}

export interface SearchState {
  q: string;
  minPrice: string;
  maxPrice: string;
  currency: string;
  channels: string[];
  characteristics: string[];
  /** By unit of measure: `unit.Mbps.min=100`. */
  units: Record<string, UnitRange>;
  /** "" is the default (see `effectiveSort`). */
  sort: string;
  /** How many results are on screen ("load more" adds a page). */
  shown: number;
}

export const EMPTY_SEARCH: SearchState = {
  q: "",
  minPrice: "",
  maxPrice: "",
  currency: "",
  channels: [],
  characteristics: [],
  units: {},
  sort: "",
  shown: STORE_PAGE_SIZE,
};

const SORT_VALUES = new Set<string>(STORE_SORTS.map((option) => option.value));
const UNIT_PARAM = /^unit\.(.+)\.(min|max)$/;
const DECIMAL = /^\d+(\.\d+)?$/;

/** A non-negative decimal as typed ("19.9"), or "" for anything else. */
export function cleanDecimal(raw: string | null | undefined): string {
  const value = (raw ?? "").trim();
  return DECIMAL.test(value) ? value : "";
}

function unique(values: string[]): string[] {
  return [...new Set(values.map((value) => value.trim()).filter(Boolean))];
}

export function parseSearch(params: URLSearchParams): SearchState {
  const units: Record<string, UnitRange> = {};
  for (const [key, raw] of params) {
    const match = UNIT_PARAM.exec(key);
    const value = cleanDecimal(raw);
    if (!match || !value) continue;
    const [, unit, bound] = match as unknown as [string, string, "min" | "max"];
    units[unit] = { ...(units[unit] ?? { min: "", max: "" }), [bound]: value };
  }
  const sort = params.get("sort") ?? "";
  const shown = Number.parseInt(params.get("shown") ?? "", 10);
  return {
    q: (params.get("q") ?? "").trim(),
    minPrice: cleanDecimal(params.get("minPrice")),
    maxPrice: cleanDecimal(params.get("maxPrice")),
    currency: /^[A-Z]{3}$/.test(params.get("currency") ?? "") ? (params.get("currency") as string) : "",
    channels: unique(params.getAll("channel")),
    characteristics: unique(params.getAll("characteristic")),
    units,
    sort: SORT_VALUES.has(sort) ? sort : "",
    shown:
      Number.isFinite(shown) && shown > STORE_PAGE_SIZE
        ? Math.min(Math.ceil(shown / STORE_PAGE_SIZE) * STORE_PAGE_SIZE, 240)
        : STORE_PAGE_SIZE,
  };
}

/** The URL query for a search (no "?"); empty values and defaults are left out. */
export function searchParamsOf(state: SearchState, { withShown = true } = {}): URLSearchParams {
  const query = new URLSearchParams();
  if (state.q.trim()) query.set("q", state.q.trim());
  if (state.minPrice) query.set("minPrice", state.minPrice);
  if (state.maxPrice) query.set("maxPrice", state.maxPrice);
  if (state.currency) query.set("currency", state.currency);
  for (const channel of state.channels) query.append("channel", channel);
  for (const name of state.characteristics) query.append("characteristic", name);
  for (const unit of Object.keys(state.units).sort()) {
    const range = state.units[unit] as UnitRange;
    if (range.min) query.set(`unit.${unit}.min`, range.min);
    if (range.max) query.set(`unit.${unit}.max`, range.max);
  }
  if (state.sort) query.set("sort", state.sort);
  if (withShown && state.shown > STORE_PAGE_SIZE) query.set("shown", String(state.shown));
  return query;
}

export function searchString(state: SearchState): string {
  return searchParamsOf(state).toString();
}

/** The filters and sort, without how many are shown: what identifies a result list. */
export function searchKey(state: SearchState): string {
  return searchParamsOf(state, { withShown: false }).toString();
}

/** A change of the search: anything but `shown` starts the list again from the top. */
export function nextSearch(current: SearchState, change: Partial<SearchState>): SearchState {
  const next = { ...current, ...change };
  if (change.shown === undefined) next.shown = STORE_PAGE_SIZE;
  next.q = next.q.trim();
  return next;
}

/**
 * The API call's query for one page. The unit ranges (`unit.Mbps.min`) are parameters the
 * typed contract cannot name (their names vary), so they ride along as extra keys.
 */
export function apiQuery(state: SearchState, offset: number, limit: number): StoreQuery {
  const query: StoreQuery & Record<string, unknown> = { limit, offset };
  if (state.q) query.q = state.q;
  if (state.minPrice) query.minPrice = state.minPrice;
  if (state.maxPrice) query.maxPrice = state.maxPrice;
  if (state.currency) query.currency = state.currency;
  if (state.channels.length > 0) query.channel = state.channels;
  if (state.characteristics.length > 0) query.characteristic = state.characteristics;
  const sort = effectiveSort(state);
  if (sort) query.sort = sort;
  for (const [unit, range] of Object.entries(state.units)) {
    if (range.min) query[`unit.${unit}.min`] = range.min;
    if (range.max) query[`unit.${unit}.max`] = range.max;
  }
  return query;
}

/** How many filters are on (for "Clear filters (3)"). */
export function activeFilterCount(state: SearchState): number {
  return (
    (state.minPrice ? 1 : 0) +
    (state.maxPrice ? 1 : 0) +
    (state.currency ? 1 : 0) +
    state.channels.length +
    state.characteristics.length +
    Object.values(state.units).filter((range) => range.min || range.max).length
  );
}

export function toggle(values: readonly string[], value: string): string[] {
  return values.includes(value) ? values.filter((item) => item !== value) : [...values, value];
}

/** The cheapest of an offering's prices (by amount; the currency shows with it). */
export function lowestPrice(prices: readonly StorePrice[]): StorePrice | null {
  let best: StorePrice | null = null;
  for (const price of prices) {
    if (best === null || Number(price.value) < Number(best.value)) best = price;
  }
  return best;
}

/** At most `max` characters, cut at a word, with an ellipsis. */
export function excerpt(text: string | null | undefined, max = 140): string {
  const clean = (text ?? "").replace(/\s+/g, " ").trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:-]+$/, "")}…`;
}

const CHANNEL_LABELS: Record<string, string> = {
  ONLINE: "Online",
  MOBILE_APP: "Mobile App",
  RETAIL_STORE: "Retail Store",
  CALL_CENTER: "Call Center",
  PARTNER: "Partner",
};

/** "RETAIL_STORE" -> "Retail Store" (the labels the offering service gives its channels). */
export function channelLabel(value: string): string {
  return (
    CHANNEL_LABELS[value] ??
    value
      .toLowerCase()
      .split("_")
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join(" ")
  );
}

/** "29.90 EUR per month" */
export function formatStorePrice(price: Pick<StorePrice, "value" | "currency" | "unit">): string {
  return `${price.value} ${price.currency} ${price.unit}`;
}

/** "100 Mbps", or the bare value for a characteristic without a unit. */
export function formatValue(item: { value: string; unitOfMeasure: string }): string {
  return item.unitOfMeasure === "None" || !item.unitOfMeasure
    ? item.value
    : `${item.value} ${item.unitOfMeasure}`;
}

/** "29 November 2026" in the reader's locale; "" when unknown. */
export function formatDate(iso: string | null | undefined, locale?: string): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleDateString(locale, { year: "numeric", month: "long", day: "numeric" });
}
