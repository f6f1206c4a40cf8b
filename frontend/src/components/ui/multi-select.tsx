"use client";

/**
 * Pick several items out of many: a button opens a searchable list (type to narrow it; the
 * arrow keys and Enter pick; Escape closes), and the picks show as chips that can be
 * removed one by one. The options come from the caller, so the search can run on the
 * server (see components/catalog/reference-picker.tsx).
 */
import { Command } from "cmdk";
import { Check, ChevronsUpDown, X } from "lucide-react";
import { useState, type ReactNode, type Ref } from "react";

import { cn } from "@/lib/utils";

import { controlClass } from "./input";
import { Popover, PopoverContent, PopoverTrigger } from "./popover";
import { Spinner } from "./spinner";

export interface Option {
  value: string;
  label: string;
  /** A second line, e.g. "100 Mbps" under a characteristic's name. */
  description?: string;
  /** Something to flag beside the label (a badge). */
  flag?: ReactNode;
}

export interface MultiSelectProps {
  /** The trigger's id: a Field's label names it. */
  id: string;
  /** The trigger button (a form library focuses it to point at an error). */
  ref?: Ref<HTMLButtonElement>;
  /** What is picked, with labels (the chips). */
  selected: Option[];
  onSelectedChange: (selected: Option[]) => void;
  /** The candidates for the current search. */
  options: Option[];
  search: string;
  onSearchChange: (search: string) => void;
  loading?: boolean;
  /** What is picked, plural and lowercase ("characteristics"): the trigger says "Add
   * characteristics", the search box is "Search characteristics", the chips "Selected
   * characteristics". */
  noun: string;
  emptyText?: string;
  /** Under the list, e.g. "20 of 134 shown: type to narrow". */
  footer?: ReactNode;
  disabled?: boolean;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
  "aria-required"?: boolean;
}

export function MultiSelect({
  id,
  ref,
  selected,
  onSelectedChange,
  options,
  search,
  onSearchChange,
  loading = false,
  noun,
  emptyText = "Nothing matches.",
  footer,
  disabled = false,
  ...aria
}: MultiSelectProps) {
  const [open, setOpen] = useState(false);
  const placeholder = `Add ${noun}`;
  const searchLabel = `Search ${noun}`;
  const chosen = new Set(selected.map((option) => option.value));

  function toggle(option: Option) {
    onSelectedChange(
      chosen.has(option.value)
        ? selected.filter((item) => item.value !== option.value)
        : [...selected, option],
    );
  }

  return (
    <div className="grid gap-2">
      <Popover open={open && !disabled} onOpenChange={setOpen}>
        <PopoverTrigger asChild>
          <button
            ref={ref}
            type="button"
            id={id}
            disabled={disabled}
            data-invalid={aria["aria-invalid"] || undefined}
            aria-describedby={aria["aria-describedby"]}
            className={cn(
              controlClass,
              "flex h-10 items-center justify-between text-left data-[invalid=true]:border-danger",
            )}
          >
            <span className="truncate text-muted-foreground">
              {selected.length > 0 ? `${selected.length} selected · ${placeholder}` : placeholder}
            </span>
            <ChevronsUpDown aria-hidden className="size-4 shrink-0 text-muted-foreground" />
          </button>
        </PopoverTrigger>
        <PopoverContent
          aria-label={`Choose ${noun}`}
          className="w-[var(--radix-popover-trigger-width)] min-w-72"
        >
          <Command shouldFilter={false} label={searchLabel} loop>
            <div className="flex items-center gap-2 border-b border-border px-3">
              <Command.Input
                value={search}
                onValueChange={onSearchChange}
                placeholder={`${searchLabel}…`}
                className="h-10 w-full bg-transparent text-sm outline-none placeholder:text-muted-foreground"
              />
              {loading ? <Spinner label="Searching" /> : null}
            </div>
            <Command.List className="max-h-72 overflow-y-auto p-1">
              {!loading ? (
                <Command.Empty className="px-3 py-6 text-center text-sm text-muted-foreground">
                  {emptyText}
                </Command.Empty>
              ) : null}
              {options.map((option) => {
                const isChosen = chosen.has(option.value);
                return (
                  <Command.Item
                    key={option.value}
                    value={option.value}
                    onSelect={() => toggle(option)}
                    aria-checked={isChosen}
                    className="flex cursor-pointer items-start gap-2 rounded-md px-2 py-2 text-sm data-[selected=true]:bg-muted"
                  >
                    <span
                      aria-hidden
                      className={cn(
                        "mt-0.5 grid size-4 shrink-0 place-items-center rounded border",
                        isChosen
                          ? "border-primary bg-primary text-primary-foreground"
                          : "border-input",
                      )}
                    >
                      {isChosen ? <Check className="size-3" strokeWidth={3} /> : null}
                    </span>
                    <span className="grid min-w-0 flex-1">
                      <span className="flex items-center gap-2">
                        <span className="truncate font-medium">{option.label}</span>
                        {option.flag}
                      </span>
                      {option.description ? (
                        <span className="truncate text-xs text-muted-foreground">
                          {option.description}
                        </span>
                      ) : null}
                    </span>
                  </Command.Item>
                );
              })}
            </Command.List>
            {footer ? (
              <div className="border-t border-border px-3 py-2 text-xs text-muted-foreground">
                {footer}
              </div>
            ) : null}
          </Command>
        </PopoverContent>
      </Popover>
      {selected.length > 0 ? (
        <ul aria-label={`Selected ${noun}`} className="flex flex-wrap gap-1.5">
          {selected.map((option) => (
            <li
              key={option.value}
              className="inline-flex max-w-full items-center gap-1 rounded-full border border-border bg-muted py-0.5 pl-2.5 pr-1 text-xs"
            >
              <span className="truncate font-medium">{option.label}</span>
              {option.description ? (
                <span className="truncate text-muted-foreground">· {option.description}</span>
              ) : null}
              {option.flag}
              <button
                type="button"
                disabled={disabled}
                onClick={() => toggle(option)}
                aria-label={`Remove ${option.label}`}
                className="grid size-5 place-items-center rounded-full text-muted-foreground hover:bg-border hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-50"
              >
                <X aria-hidden className="size-3" />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
