"use client";

import { SearchX, Search as SearchIcon, SlidersHorizontal } from "lucide-react";
import { useCallback, useMemo, useState } from "react";

import { describeError } from "@/api/problem";
import { EmptyState } from "@/components/app/empty-state";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Loading, Spinner } from "@/components/ui/spinner";
import { useUrlBoundText, useUrlState } from "@/hooks/use-url-state";
import {
  EMPTY_SEARCH,
  effectiveSort,
  nextSearch,
  parseSearch,
  searchString,
  STORE_PAGE_SIZE,
  STORE_SORTS,
  type SearchState,
} from "@/lib/store/search-state";
import { useStoreSearch } from "@/lib/store/store";
import { cn } from "@/lib/utils";

import { OfferingCard } from "./offering-card";
import { StoreFilters } from "./store-filters";

/** The public store: search, filters and results, all of it in the URL. */
export function StoreSearch() {
  const [state, navigate] = useUrlState(parseSearch, searchString);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const results = useStoreSearch(state);

  const change = useCallback(
    (patch: Partial<SearchState>) => navigate((current) => nextSearch(current, patch)),
    [navigate],
  );
  const clearFilters = useCallback(
    () => navigate((current) => ({ ...EMPTY_SEARCH, q: current.q, sort: current.sort })),
    [navigate],
  );
  const [text, setText] = useUrlBoundText(state.q, (q) => change({ q }));

  const items = useMemo(() => results.data?.pages.flatMap((page) => page.items) ?? [], [results.data]);
  const first = results.data?.pages[0];
  const total = first?.total ?? 0;
  const back = searchString(state);

  function loadMore() {
    void results.fetchNextPage().then(() =>
      navigate((current) => ({ ...current, shown: current.shown + STORE_PAGE_SIZE }), {
        replace: true,
      }),
    );
  }

  return (
    <div className="grid gap-6">
      <form
        role="search"
        aria-label="Search the store"
        className="flex flex-wrap items-end gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          change({ q: text.trim() });
        }}
      >
        <div className="grid min-w-64 flex-1 gap-1.5">
          <Label htmlFor="store-q">Search offerings</Label>
          <div className="relative">
            <SearchIcon
              aria-hidden
              className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground"
            />
            <Input
              id="store-q"
              type="search"
              autoComplete="off"
              placeholder="Fibre, 500 Mbps, router…"
              className="pl-9"
              value={text}
              onChange={(event) => setText(event.target.value)}
            />
          </div>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="store-sort">Sort by</Label>
          <Select
            id="store-sort"
            className="w-auto min-w-48"
            value={effectiveSort(state)}
            onChange={(event) => change({ sort: event.target.value })}
          >
            {STORE_SORTS.filter((option) => !("needsText" in option) || state.q).map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        </div>
        <Button
          variant="secondary"
          className="lg:hidden"
          aria-expanded={filtersOpen}
          aria-controls="store-filters"
          onClick={() => setFiltersOpen(!filtersOpen)}
        >
          <SlidersHorizontal aria-hidden />
          Filters
        </Button>
      </form>

      <div className="grid gap-6 lg:grid-cols-[16rem_minmax(0,1fr)]">
        <aside
          id="store-filters"
          aria-label="Filters"
          className={cn(
            "rounded-xl border border-border bg-surface p-4 shadow-sm lg:block lg:self-start",
            filtersOpen ? "block" : "hidden",
          )}
        >
          <StoreFilters
            state={state}
            facets={first?.facets}
            onChange={change}
            onClear={clearFilters}
          />
        </aside>

        <section aria-labelledby="store-results-heading" className="@container grid content-start gap-4">
          <div className="flex items-center justify-between gap-2">
            <h2 id="store-results-heading" className="text-base font-semibold">
              Results
            </h2>
            <p role="status" className="text-sm text-muted-foreground" data-testid="store-total">
              {results.isPending
                ? "Searching…"
                : results.isError
                  ? ""
                  : `${total} offering${total === 1 ? "" : "s"}`}
              {results.isFetching && !results.isPending && !results.isFetchingNextPage ? (
                <Spinner className="ml-2 size-3" />
              ) : null}
            </p>
          </div>

          {results.isPending ? (
            <Loading label="Searching…" />
          ) : results.isError && items.length === 0 ? (
            <Alert tone="danger" title="The store could not be searched">
              <p>{describeError(results.error)}</p>
              <Button variant="secondary" size="sm" className="mt-2" onClick={() => void results.refetch()}>
                Try again
              </Button>
            </Alert>
          ) : items.length === 0 ? (
            <EmptyState icon={SearchX} title="No offerings match">
              <p>Try other words or fewer filters.</p>
              {searchString(state) ? (
                <Button
                  variant="secondary"
                  size="sm"
                  className="mt-3"
                  onClick={() => navigate(() => EMPTY_SEARCH)}
                >
                  Start over
                </Button>
              ) : null}
            </EmptyState>
          ) : (
            <>
              <ul
                aria-label="Offerings"
                className="grid grid-cols-1 gap-4 @md:grid-cols-2 @2xl:grid-cols-3 @4xl:grid-cols-4"
              >
                {items.map((offering) => (
                  <li key={offering.id}>
                    <OfferingCard
                      offering={offering}
                      href={`/store/${offering.id}${back ? `?back=${encodeURIComponent(back)}` : ""}`}
                    />
                  </li>
                ))}
              </ul>
              <div className="grid justify-items-center gap-2 pt-2">
                <p className="text-sm text-muted-foreground">
                  Showing {items.length} of {total}
                </p>
                {results.hasNextPage ? (
                  <Button variant="secondary" busy={results.isFetchingNextPage} onClick={loadMore}>
                    Load more
                  </Button>
                ) : null}
                {results.isFetchNextPageError ? (
                  <p role="alert" className="text-sm text-danger">
                    More could not be loaded: {describeError(results.error)}
                  </p>
                ) : null}
              </div>
            </>
          )}
        </section>
      </div>
    </div>
  );
}
