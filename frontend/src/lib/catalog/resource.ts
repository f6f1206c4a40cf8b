/**
 * The query layer every catalog resource shares: cache keys, list/detail queries and the
 * create/replace/remove mutations, built once over a resource's typed API calls.
 *
 * Lists seed the detail cache with their items, so a detail (`useOne`, `useMany`) already
 * listed costs no request; every write updates the detail and refetches the lists.
 */
import {
  keepPreviousData,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
  type QueryClient,
} from "@tanstack/react-query";

import type { Page, Versioned } from "./types";

export interface ResourceCalls<T extends Versioned, Query, Write> {
  /** The cache key's root: "characteristics", "prices", ... */
  name: string;
  list(query: Query): Promise<Page<T>>;
  get(id: string): Promise<T>;
  create(body: Write): Promise<T>;
  /** Replaces `current` if it is still the version on the server (If-Match; else 412). */
  replace(current: T, body: Write): Promise<T>;
  /** Deletes `current` if it is still the version on the server (If-Match; else 412). */
  remove(current: T): Promise<void>;
}

export function resourceKeys(name: string) {
  return {
    all: [name] as const,
    lists: () => [name, "list"] as const,
    list: (query: unknown) => [name, "list", query] as const,
    detail: (id: string) => [name, "detail", id] as const,
  };
}

export function defineResource<T extends Versioned, Query, Write>(
  calls: ResourceCalls<T, Query, Write>,
) {
  const keys = resourceKeys(calls.name);

  function remember(client: QueryClient, item: T): void {
    client.setQueryData(keys.detail(item.id), item);
  }

  function afterWrite(client: QueryClient, item: T | null, id: string): Promise<void> {
    if (item === null) client.removeQueries({ queryKey: keys.detail(id) });
    else remember(client, item);
    return client.invalidateQueries({ queryKey: keys.lists() });
  }

  return {
    keys,
    calls,

    /** One page of the list; the previous page stays on screen while the next loads. */
    useList(query: Query, options: { enabled?: boolean } = {}) {
      const client = useQueryClient();
      return useQuery({
        queryKey: keys.list(query),
        queryFn: async () => {
          const page = await calls.list(query);
          for (const item of page.items) remember(client, item);
          return page;
        },
        placeholderData: keepPreviousData,
        enabled: options.enabled ?? true,
      });
    },

    useOne(id: string | null | undefined) {
      return useQuery({
        queryKey: keys.detail(id ?? ""),
        queryFn: () => calls.get(id as string),
        enabled: Boolean(id),
      });
    },

    /** Several by id (e.g. to show the names of the ids an offering refers to). */
    useMany(ids: readonly string[]) {
      return useQueries({
        queries: ids.map((id) => ({
          queryKey: keys.detail(id),
          queryFn: () => calls.get(id),
          staleTime: 60_000,
        })),
      });
    },

    useCreate() {
      const client = useQueryClient();
      return useMutation({
        mutationFn: (body: Write) => calls.create(body),
        onSuccess: (created) => afterWrite(client, created, created.id),
      });
    },

    useReplace() {
      const client = useQueryClient();
      return useMutation({
        mutationFn: ({ current, body }: { current: T; body: Write }) =>
          calls.replace(current, body),
        onSuccess: (updated) => afterWrite(client, updated, updated.id),
      });
    },

    useRemove() {
      const client = useQueryClient();
      return useMutation({
        mutationFn: (current: T) => calls.remove(current),
        onSuccess: (_, removed) => afterWrite(client, null, removed.id),
      });
    },
  };
}
