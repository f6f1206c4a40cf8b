"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";

import { Card, CardHeader, CardTitle } from "@/components/ui/card";
import { Loading } from "@/components/ui/spinner";
import type { Page, Versioned } from "@/lib/catalog/types";

const SHOWN = 6;

interface Listable<T> {
  useList(query: { sort?: string; limit?: number }): UseQueryResult<Page<T>>;
}

export interface RecentListProps<T> {
  id: string;
  title: string;
  resource: Listable<T>;
  /** The row's content: a name, a second line, something on the right. */
  row: (item: T) => { title: ReactNode; detail?: ReactNode; aside?: ReactNode };
  emptyText: string;
}

/** The newest few of a resource beside its form: what was just made, at a glance. */
export function RecentList<T extends Versioned>({
  id,
  title,
  resource,
  row,
  emptyText,
}: RecentListProps<T>) {
  const list = resource.useList({ sort: "-createdAt", limit: SHOWN });
  const total = list.data?.total;
  return (
    <Card aria-labelledby={`${id}-title`} className="self-start">
      <CardHeader className="flex flex-row items-baseline justify-between">
        <CardTitle id={`${id}-title`}>{title}</CardTitle>
        {total !== undefined ? (
          <span className="text-xs text-muted-foreground">{total} in the catalog</span>
        ) : null}
      </CardHeader>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <p className="p-5 text-sm text-danger">{list.error.message}</p>
      ) : list.data.items.length === 0 ? (
        <p className="p-5 text-sm text-muted-foreground">{emptyText}</p>
      ) : (
        <ul className="divide-y divide-border" aria-label={title}>
          {list.data.items.map((item) => {
            const content = row(item);
            return (
              <li key={item.id} className="flex items-center justify-between gap-3 px-5 py-3">
                <div className="grid min-w-0">
                  <span className="truncate text-sm font-medium">{content.title}</span>
                  {content.detail ? (
                    <span className="truncate text-xs text-muted-foreground">{content.detail}</span>
                  ) : null}
                </div>
                {content.aside}
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
