/**
 * The Viewer's state in the URL query (`/viewer?tab=prices&page=2&name=fibre&sort=-value`):
 * bookmarkable, and the back button walks through it. Defaults are left out of the URL.
 */
import type { LifecycleStatus } from "@/lib/catalog/types";

export const PAGE_SIZE = 20;

export const VIEWER_TABS = ["characteristics", "specifications", "prices", "offerings"] as const;
export type ViewerTab = (typeof VIEWER_TABS)[number];

export const LIFECYCLE_STATUSES: readonly LifecycleStatus[] = [
  "DRAFT",
  "PUBLISHING",
  "PUBLISHED",
  "RETIRED",
];

/** The fields each list can be sorted by (the API's `sort`; a leading '-' is descending). */
export const SORTABLE: Record<ViewerTab, readonly string[]> = {
  characteristics: ["name", "value", "createdAt", "updatedAt"],
  specifications: ["name", "createdAt", "updatedAt"],
  prices: ["name", "value", "createdAt"],
  offerings: ["name", "createdAt", "updatedAt", "publishedAt"],
};

export const DEFAULT_SORT = "-createdAt";

export interface ViewerState {
  tab: ViewerTab;
  /** 1-based. */
  page: number;
  name: string;
  sort: string;
  /** Offerings only. */
  status: LifecycleStatus | null;
}

export const DEFAULT_STATE: ViewerState = {
  tab: "characteristics",
  page: 1,
  name: "",
  sort: DEFAULT_SORT,
  status: null,
};

function isTab(value: string | null): value is ViewerTab {
  return (VIEWER_TABS as readonly (string | null)[]).includes(value);
}

function validSort(tab: ViewerTab, value: string | null): string {
  if (!value) return DEFAULT_SORT;
  const field = value.startsWith("-") ? value.slice(1) : value;
  return SORTABLE[tab].includes(field) ? value : DEFAULT_SORT;
}

/** Reads the state from a query; anything unknown falls back to its default. */
export function parseViewerState(params: URLSearchParams): ViewerState {
  const tab = isTab(params.get("tab")) ? (params.get("tab") as ViewerTab) : DEFAULT_STATE.tab;
  const page = Number.parseInt(params.get("page") ?? "", 10);
  const status = params.get("status");
  return {
    tab,
    page: Number.isFinite(page) && page >= 1 ? page : 1,
    name: (params.get("name") ?? "").trim(),
    sort: validSort(tab, params.get("sort")),
    status:
      tab === "offerings" && (LIFECYCLE_STATUSES as readonly (string | null)[]).includes(status)
        ? (status as LifecycleStatus)
        : null,
  };
}

/** The query string for a state (without "?"), defaults left out. */
export function viewerSearch(state: ViewerState): string {
  const query = new URLSearchParams();
  if (state.tab !== DEFAULT_STATE.tab) query.set("tab", state.tab);
  if (state.name.trim()) query.set("name", state.name.trim());
  if (state.status && state.tab === "offerings") query.set("status", state.status);
  if (state.sort !== DEFAULT_SORT) query.set("sort", state.sort);
  if (state.page > 1) query.set("page", String(state.page));
  return query.toString();
}

/**
 * The state after a change: a new tab starts afresh; a new filter or sort goes back to the
 * first page.
 */
export function nextViewerState(current: ViewerState, change: Partial<ViewerState>): ViewerState {
  if (change.tab && change.tab !== current.tab) return { ...DEFAULT_STATE, tab: change.tab };
  const next = { ...current, ...change };
  const refiltered =
    (change.name !== undefined && change.name.trim() !== current.name) ||
    (change.status !== undefined && change.status !== current.status) ||
    (change.sort !== undefined && change.sort !== current.sort);
  if (refiltered && change.page === undefined) next.page = 1;
  next.name = next.name.trim();
  return next;
}

/** The list call's parameters for a state. */
export function listQuery(state: ViewerState) {
  return {
    limit: PAGE_SIZE,
    offset: (state.page - 1) * PAGE_SIZE,
    sort: state.sort,
    ...(state.name ? { name: state.name } : {}),
    ...(state.tab === "offerings" && state.status ? { lifecycleStatus: state.status } : {}),
  };
}

/** Clicking a column: ascending first, then descending, then ascending again. */
export function toggleSort(current: string, field: string): string {
  return current === field ? `-${field}` : field;
}

/** How a column is sorted now, for `aria-sort`. */
export function sortDirection(current: string, field: string): "ascending" | "descending" | "none" {
  if (current === field) return "ascending";
  if (current === `-${field}`) return "descending";
  return "none";
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

/** "21–40 of 53" */
export function rangeText(page: number, shown: number, total: number): string {
  if (total === 0 || shown === 0) return `0 of ${total}`;
  const first = (page - 1) * PAGE_SIZE + 1;
  return `${first}–${first + shown - 1} of ${total}`;
}
