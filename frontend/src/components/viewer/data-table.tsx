"use client";

import { ArrowDown, ArrowUp, ArrowUpDown, ChevronLeft, ChevronRight } from "lucide-react";
import type { ReactNode } from "react";

import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/utils";
import { pageCount, rangeText, sortDirection, toggleSort } from "@/lib/viewer/list-state";

export interface Column<T> {
  key: string;
  header: string;
  /** The API's sort field, when the column can be sorted. */
  sort?: string;
  cell: (item: T) => ReactNode;
  className?: string;
}

interface DataTableProps<T extends { id: string }> {
  caption: string;
  columns: Column<T>[];
  items: T[];
  total: number;
  page: number;
  sort: string;
  busy: boolean;
  empty: ReactNode;
  /** The row's actions (last column), if any. */
  actions?: (item: T) => ReactNode;
  onSort: (sort: string) => void;
  onPage: (page: number) => void;
}

/** A page of a list: sortable column headers (aria-sort), the range shown and paging. */
export function DataTable<T extends { id: string }>({
  caption,
  columns,
  items,
  total,
  page,
  sort,
  busy,
  empty,
  actions,
  onSort,
  onPage,
}: DataTableProps<T>) {
  const pages = pageCount(total);
  return (
    <div className="grid gap-3">
      <div className="overflow-x-auto rounded-xl border border-border bg-surface shadow-sm">
        <table className="w-full border-collapse text-sm" aria-busy={busy || undefined}>
          <caption className="sr-only">{caption}</caption>
          <thead className="bg-muted/60 text-left">
            <tr>
              {columns.map((column) => {
                const direction = column.sort ? sortDirection(sort, column.sort) : undefined;
                return (
                  <th
                    key={column.key}
                    scope="col"
                    aria-sort={direction}
                    className={cn("whitespace-nowrap px-4 py-2 font-medium", column.className)}
                  >
                    {column.sort ? (
                      <button
                        type="button"
                        className="-mx-2 inline-flex items-center gap-1 rounded px-2 py-1 hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                        onClick={() => onSort(toggleSort(sort, column.sort as string))}
                      >
                        {column.header}
                        {direction === "ascending" ? (
                          <ArrowUp aria-hidden className="size-3.5" />
                        ) : direction === "descending" ? (
                          <ArrowDown aria-hidden className="size-3.5" />
                        ) : (
                          <ArrowUpDown aria-hidden className="size-3.5 text-muted-foreground" />
                        )}
                      </button>
                    ) : (
                      column.header
                    )}
                  </th>
                );
              })}
              {actions ? (
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody className={cn("divide-y divide-border", busy && "opacity-70")}>
            {items.length === 0 ? (
              <tr>
                <td colSpan={columns.length + (actions ? 1 : 0)} className="p-8 text-center text-muted-foreground">
                  {empty}
                </td>
              </tr>
            ) : (
              items.map((item) => (
                <tr key={item.id} className="align-top hover:bg-muted/30">
                  {columns.map((column, index) =>
                    index === 0 ? (
                      <th key={column.key} scope="row" className={cn("px-4 py-2.5 text-left font-medium", column.className)}>
                        {column.cell(item)}
                      </th>
                    ) : (
                      <td key={column.key} className={cn("px-4 py-2.5", column.className)}>
                        {column.cell(item)}
                      </td>
                    ),
                  )}
                  {actions ? (
                    <td className="px-4 py-1.5">
                      <div className="flex flex-wrap justify-end gap-1">{actions(item)}</div>
                    </td>
                  ) : null}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav aria-label={`${caption} pages`} className="flex flex-wrap items-center justify-between gap-3 text-sm">
        <p className="text-muted-foreground" data-testid="viewer-range">
          {rangeText(page, items.length, total)}
          {busy ? <Spinner className="ml-2 size-3" label="Loading" /> : null}
        </p>
        <div className="flex items-center gap-2">
          <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => onPage(page - 1)}>
            <ChevronLeft aria-hidden />
            Previous
          </Button>
          <span aria-current="page" className="tabular-nums text-muted-foreground">
            Page {Math.min(page, pages)} of {pages}
          </span>
          <Button variant="secondary" size="sm" disabled={page >= pages} onClick={() => onPage(page + 1)}>
            Next
            <ChevronRight aria-hidden />
          </Button>
        </div>
      </nav>
    </div>
  );
}
