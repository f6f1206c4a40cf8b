import { describe, expect, it } from "vitest";

import {
  activeFilterCount,
  apiQuery,
  channelLabel,
  effectiveSort,
  EMPTY_SEARCH,
  excerpt,
  formatValue,
  lowestPrice,
  nextSearch,
  parseSearch,
  searchKey,
  searchString,
  toggle,
} from "./search-state";

const parse = (query: string) => parseSearch(new URLSearchParams(query));

describe("the store's URL state", () => {
  it("is empty by default, and so is its URL", () => {
    expect(parse("")).toEqual(EMPTY_SEARCH);
    expect(searchString(EMPTY_SEARCH)).toBe("");
  });

  it("round-trips every filter, repeatable ones included", () => {
    const query =
      "q=fibre&minPrice=10&maxPrice=50.5&currency=EUR&channel=ONLINE&channel=PARTNER" +
      "&characteristic=Download+speed&characteristic=Router&unit.Mbps.min=100" +
      "&unit.Mbps.max=1000&unit.GB.min=5&sort=price&shown=36";
    const state = parse(query);
    expect(state).toEqual({
      q: "fibre",
      minPrice: "10",
      maxPrice: "50.5",
      currency: "EUR",
      channels: ["ONLINE", "PARTNER"],
      characteristics: ["Download speed", "Router"],
      units: { Mbps: { min: "100", max: "1000" }, GB: { min: "5", max: "" } },
      sort: "price",
      shown: 36,
    });
    expect(parse(searchString(state))).toEqual(state);
  });

  it("drops values the API would refuse", () => {
    expect(
      parse("minPrice=abc&maxPrice=-3&currency=euro&sort=colour&shown=7&unit.Mbps.min=x"),
    ).toEqual(EMPTY_SEARCH);
    expect(parse("channel=ONLINE&channel=ONLINE&channel=").channels).toEqual(["ONLINE"]);
    expect(parse("shown=13").shown).toBe(24);
    expect(parse("shown=100000").shown).toBe(240);
  });

  it("starts the list from the top when the search changes, not when more are loaded", () => {
    const state = parse("q=fibre&shown=36");
    expect(nextSearch(state, { channels: ["ONLINE"] }).shown).toBe(12);
    expect(nextSearch(state, { shown: 48 }).shown).toBe(48);
    expect(searchKey(state)).toBe("q=fibre");
  });

  it("counts the filters that are on", () => {
    expect(activeFilterCount(EMPTY_SEARCH)).toBe(0);
    expect(
      activeFilterCount(parse("q=x&minPrice=1&channel=A&channel=B&characteristic=C&unit.GB.min=1")),
    ).toBe(5);
  });

  it("toggles a value of a repeatable filter", () => {
    expect(toggle(["A"], "B")).toEqual(["A", "B"]);
    expect(toggle(["A", "B"], "A")).toEqual(["B"]);
  });
});

describe("the API query", () => {
  it("passes the filters by the API's names, unit ranges included", () => {
    const state = parse("q=fibre&channel=ONLINE&characteristic=Router&unit.Mbps.min=100");
    expect(apiQuery(state, 12, 12)).toEqual({
      limit: 12,
      offset: 12,
      q: "fibre",
      channel: ["ONLINE"],
      characteristic: ["Router"],
      "unit.Mbps.min": "100",
    });
  });

  it("sorts by relevance for a text and by newest without one, unless told", () => {
    expect(effectiveSort({ q: "x", sort: "" })).toBe("");
    expect(effectiveSort({ q: "", sort: "" })).toBe("-publishedAt");
    expect(apiQuery(EMPTY_SEARCH, 0, 12).sort).toBe("-publishedAt");
    expect(apiQuery(parse("q=x&sort=-price"), 0, 12).sort).toBe("-price");
  });
});

describe("formatting", () => {
  it("finds the lowest price by amount", () => {
    const price = (value: string) => ({ id: value, name: value, value, unit: "per month", currency: "EUR" });
    expect(lowestPrice([price("29.90"), price("9.50"), price("100")])?.value).toBe("9.50");
    expect(lowestPrice([])).toBeNull();
  });

  it("cuts a long description at a word", () => {
    expect(excerpt("Short one")).toBe("Short one");
    expect(excerpt(null)).toBe("");
    const cut = excerpt("Fibre to the home, symmetric and fast, for the whole family", 30);
    expect(cut).toBe("Fibre to the home, symmetric…");
    expect(cut.length).toBeLessThanOrEqual(30);
  });

  it("labels channels and values", () => {
    expect(channelLabel("RETAIL_STORE")).toBe("Retail Store");
    expect(channelLabel("SOME_NEW_ONE")).toBe("Some New One");
    expect(formatValue({ value: "100", unitOfMeasure: "Mbps" })).toBe("100 Mbps");
    expect(formatValue({ value: "Yes", unitOfMeasure: "None" })).toBe("Yes");
  });
});
