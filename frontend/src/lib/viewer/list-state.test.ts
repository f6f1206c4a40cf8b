import { describe, expect, it } from "vitest";

import {
  DEFAULT_STATE,
  listQuery,
  nextViewerState,
  pageCount,
  parseViewerState,
  rangeText,
  sortDirection,
  toggleSort,
  viewerSearch,
} from "./list-state";

const parse = (query: string) => parseViewerState(new URLSearchParams(query));

describe("the viewer's URL state", () => {
  it("defaults to the first page of characteristics, newest first", () => {
    expect(parse("")).toEqual(DEFAULT_STATE);
    expect(viewerSearch(DEFAULT_STATE)).toBe("");
  });

  it("round-trips every field", () => {
    const state = parse("tab=offerings&page=3&name=fibre&sort=-publishedAt&status=DRAFT");
    expect(state).toEqual({
      tab: "offerings",
      page: 3,
      name: "fibre",
      sort: "-publishedAt",
      status: "DRAFT",
    });
    expect(parse(viewerSearch(state))).toEqual(state);
  });

  it("ignores what it does not know", () => {
    expect(parse("tab=nope&page=-2&sort=colour&status=GONE")).toEqual(DEFAULT_STATE);
    expect(parse("tab=prices&sort=publishedAt").sort).toBe("-createdAt");
    expect(parse("tab=prices&status=DRAFT").status).toBeNull();
    expect(parse("page=abc").page).toBe(1);
  });

  it("goes back to the first page when the filter or the sort changes", () => {
    const onPage3 = parse("tab=prices&page=3");
    expect(nextViewerState(onPage3, { name: " gold " })).toMatchObject({ page: 1, name: "gold" });
    expect(nextViewerState(onPage3, { sort: "name" }).page).toBe(1);
    expect(nextViewerState(onPage3, { page: 4 }).page).toBe(4);
  });

  it("starts a new tab afresh", () => {
    const state = parse("tab=prices&page=3&name=x&sort=name");
    expect(nextViewerState(state, { tab: "offerings" })).toEqual({
      ...DEFAULT_STATE,
      tab: "offerings",
    });
  });
});

describe("the list call", () => {
  it("pages by 20 and passes the filters the API knows", () => {
    expect(listQuery(parse("tab=offerings&page=2&name=home&status=RETIRED"))).toEqual({
      limit: 20,
      offset: 20,
      sort: "-createdAt",
      name: "home",
      lifecycleStatus: "RETIRED",
    });
    expect(listQuery(DEFAULT_STATE)).toEqual({ limit: 20, offset: 0, sort: "-createdAt" });
  });
});

describe("sorting and paging helpers", () => {
  it("toggles a column ascending, then descending", () => {
    expect(toggleSort("-createdAt", "name")).toBe("name");
    expect(toggleSort("name", "name")).toBe("-name");
    expect(toggleSort("-name", "name")).toBe("name");
    expect(sortDirection("-name", "name")).toBe("descending");
    expect(sortDirection("name", "name")).toBe("ascending");
    expect(sortDirection("name", "value")).toBe("none");
  });

  it("counts pages and describes the range shown", () => {
    expect(pageCount(0)).toBe(1);
    expect(pageCount(20)).toBe(1);
    expect(pageCount(21)).toBe(2);
    expect(rangeText(2, 20, 53)).toBe("21–40 of 53");
    expect(rangeText(3, 13, 53)).toBe("41–53 of 53");
    expect(rangeText(1, 0, 0)).toBe("0 of 0");
  });
});
