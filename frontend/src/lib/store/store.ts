/**
 * The public Store's queries (no token needed): the search, page by page, and one offering.
 */
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/api/client";

import {
  apiQuery,
  searchKey,
  STORE_PAGE_SIZE,
  type SearchState,
} from "./search-state";

export const storeKeys = {
  all: ["store"] as const,
  search: (key: string) => ["store", "search", key] as const,
  offering: (id: string) => ["store", "offering", id] as const,
};

interface PageParam {
  offset: number;
  limit: number;
}

/**
 * The results of a search. The first request fetches as many as the URL says are shown (a
 * reload after "load more" shows the same list); each "load more" fetches the next page.
 */
export function useStoreSearch(state: SearchState) {
  return useInfiniteQuery({
    queryKey: storeKeys.search(searchKey(state)),
    initialPageParam: { offset: 0, limit: state.shown } as PageParam,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.store.GET("/api/v1/store/search", {
          params: { query: apiQuery(state, pageParam.offset, pageParam.limit) },
          signal,
        }),
      ),
    getNextPageParam: (last, pages): PageParam | undefined => {
      const loaded = pages.reduce((sum, page) => sum + page.items.length, 0);
      return loaded < last.total ? { offset: loaded, limit: STORE_PAGE_SIZE } : undefined;
    },
    placeholderData: keepPreviousData,
  });
}

export function useStoreOffering(id: string) {
  return useQuery({
    queryKey: storeKeys.offering(id),
    queryFn: () =>
      unwrap(api.store.GET("/api/v1/store/offerings/{offering_id}", {
        params: { path: { offering_id: id } },
      })),
    retry: (count, error) => count < 2 && !("status" in error && error.status === 404),
  });
}
