"use client";

import { useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { Pencil, Search, Trash2 } from "lucide-react";
import { useState, type ReactNode } from "react";

import { describeError } from "@/api/problem";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Loading } from "@/components/ui/spinner";
import { notify } from "@/components/ui/toaster";
import { useUrlBoundText } from "@/hooks/use-url-state";
import type { Page, Versioned } from "@/lib/catalog/types";
import {
  LIFECYCLE_STATUSES,
  listQuery,
  type ViewerState,
} from "@/lib/viewer/list-state";

import { ConfirmDialog } from "./confirm-dialog";
import { DataTable, type Column } from "./data-table";

type Named = Versioned & { name: string };

/** What a panel needs of a resource (lib/catalog/resource.ts). */
export interface ListableResource<T extends Named> {
  keys: { lists: () => readonly unknown[] };
  useList(query: ReturnType<typeof listQuery>): UseQueryResult<Page<T>>;
  useRemove(): { mutateAsync: (item: T) => Promise<void> };
}

export interface ResourcePanelProps<T extends Named> {
  state: ViewerState;
  change: (patch: Partial<ViewerState>) => void;
  resource: ListableResource<T>;
  /** "characteristic" */
  noun: string;
  /** "characteristics" */
  plural: string;
  columns: Column<T>[];
  /** Admins edit and delete; others only look. */
  canWrite: boolean;
  /** Opens the edit dialog (admins). */
  onEdit?: (item: T) => void;
  /** Whether an item may be edited and deleted (offerings: drafts only). */
  writable?: (item: T) => boolean;
  /** More actions per row (an offering's publish, retire, details). */
  moreActions?: (item: T) => ReactNode;
}

/** One tab of the Viewer: filter, table, paging, and the edit and delete actions. */
export function ResourcePanel<T extends Named>({
  state,
  change,
  resource,
  noun,
  plural,
  columns,
  canWrite,
  onEdit,
  writable = () => true,
  moreActions,
}: ResourcePanelProps<T>) {
  const client = useQueryClient();
  const list = resource.useList(listQuery(state));
  const remove = resource.useRemove();
  const [deleting, setDeleting] = useState<T | null>(null);
  const [name, setName] = useUrlBoundText(state.name, (value) => change({ name: value }));

  const total = list.data?.total ?? 0;
  const items = list.data?.items ?? [];
  const filtered = Boolean(state.name || state.status);
  const hasActions = canWrite || moreActions !== undefined;

  function actions(item: T) {
    const mayWrite = canWrite && writable(item);
    return (
      <>
        {mayWrite && onEdit ? (
          <Button variant="ghost" size="sm" onClick={() => onEdit(item)} aria-label={`Edit ${item.name}`}>
            <Pencil aria-hidden />
            Edit
          </Button>
        ) : null}
        {moreActions?.(item)}
        {mayWrite ? (
          <Button
            variant="ghost"
            size="sm"
            className="text-danger hover:bg-danger/10"
            onClick={() => setDeleting(item)}
            aria-label={`Delete ${item.name}`}
          >
            <Trash2 aria-hidden />
            Delete
          </Button>
        ) : null}
      </>
    );
  }

  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex flex-wrap items-end gap-3">
          <div className="grid gap-1.5">
            <Label htmlFor={`filter-${plural}`}>Filter by name</Label>
            <div className="relative">
              <Search
                aria-hidden
                className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground"
              />
              <Input
                id={`filter-${plural}`}
                type="search"
                autoComplete="off"
                className="w-72 pl-9"
                placeholder={`Part of a ${noun}'s name`}
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            </div>
          </div>
          {state.tab === "offerings" ? (
            <div className="grid gap-1.5">
              <Label htmlFor="filter-status">Status</Label>
              <Select
                id="filter-status"
                className="w-44"
                value={state.status ?? ""}
                onChange={(event) =>
                  change({ status: (event.target.value || null) as ViewerState["status"] })
                }
              >
                <option value="">Any status</option>
                {LIFECYCLE_STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {status.charAt(0) + status.slice(1).toLowerCase()}
                  </option>
                ))}
              </Select>
            </div>
          ) : null}
        </div>
        <p className="text-sm text-muted-foreground" role="status" data-testid="viewer-total">
          {list.data ? `${total} ${total === 1 ? noun : plural}${filtered ? " found" : ""}` : ""}
        </p>
      </div>

      {list.isPending ? (
        <Loading label={`Loading ${plural}…`} />
      ) : list.isError && !list.data ? (
        <Alert tone="danger" title={`The ${plural} could not be loaded`}>
          <p>{describeError(list.error)}</p>
          <Button variant="secondary" size="sm" className="mt-2" onClick={() => void list.refetch()}>
            Try again
          </Button>
        </Alert>
      ) : (
        <DataTable
          caption={plural.charAt(0).toUpperCase() + plural.slice(1)}
          columns={columns}
          items={items}
          total={total}
          page={state.page}
          sort={state.sort}
          busy={list.isFetching}
          empty={filtered ? `No ${plural} match the filter.` : `There are no ${plural} yet.`}
          actions={hasActions ? actions : undefined}
          onSort={(sort) => change({ sort })}
          onPage={(page) => change({ page })}
        />
      )}

      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => (open ? undefined : setDeleting(null))}
        title={`Delete ${noun} “${deleting?.name ?? ""}”?`}
        description="It is gone for good. Anything that still uses it keeps it from being deleted."
        confirmLabel="Delete"
        action="delete"
        name={deleting?.name ?? ""}
        onConfirm={async () => {
          if (!deleting) return;
          await remove.mutateAsync(deleting);
          notify.success(`${noun.charAt(0).toUpperCase() + noun.slice(1)} “${deleting.name}” deleted`);
        }}
        onOutdated={() => void client.invalidateQueries({ queryKey: resource.keys.lists() })}
      />
    </div>
  );
}
