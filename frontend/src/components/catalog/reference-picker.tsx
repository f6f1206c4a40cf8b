"use client";

/**
 * Picks catalog resources by id (a specification's characteristics, an offering's
 * specifications and prices): searches the owner's list by name on the server, and shows
 * the picks by name. The value is the list of ids, as the API takes it.
 */
import type { UseQueryResult } from "@tanstack/react-query";
import { useMemo, useState, type Ref } from "react";

import type { FieldControlProps } from "@/components/ui/field";
import { MultiSelect, type Option } from "@/components/ui/multi-select";
import { useDebouncedValue } from "@/hooks/use-debounced-value";
import { characteristics, describeCharacteristic } from "@/lib/catalog/characteristics";
import { formatPrice, prices } from "@/lib/catalog/prices";
import { specifications } from "@/lib/catalog/specifications";
import type {
  Characteristic,
  Page,
  Price,
  Specification,
  Versioned,
} from "@/lib/catalog/types";

import { PriceLockBadge } from "./status-badges";

const PAGE_SIZE = 20;

interface NameQuery {
  name?: string | null;
  limit?: number;
  sort?: string;
}

/** What a picker needs of a resource (see lib/catalog/resource.ts). */
interface Searchable<T> {
  useList(query: NameQuery): UseQueryResult<Page<T>>;
  useMany(ids: readonly string[]): UseQueryResult<T>[];
}

export interface ReferencePickerProps extends Partial<FieldControlProps> {
  id: string;
  ref?: Ref<HTMLButtonElement>;
  value: string[];
  onChange: (ids: string[]) => void;
  disabled?: boolean;
}

interface PickerConfig<T> {
  resource: Searchable<T>;
  noun: string;
  toOption: (item: T) => Option;
}

function ReferencePicker<T extends Versioned>({
  resource,
  noun,
  toOption,
  value,
  onChange,
  ...control
}: PickerConfig<T> & ReferencePickerProps) {
  const [search, setSearch] = useState("");
  const query = useDebouncedValue(search.trim(), 250);
  const list = resource.useList({ name: query || undefined, limit: PAGE_SIZE, sort: "name" });
  const picked = resource.useMany(value);

  const options = useMemo(() => (list.data?.items ?? []).map(toOption), [list.data, toOption]);
  const selected = useMemo(
    () =>
      value.map((id, index) => {
        const item = picked[index]?.data;
        if (item) return toOption(item);
        const failed = picked[index]?.isError;
        return { value: id, label: failed ? "Unknown" : "Loading…", description: id.slice(0, 8) };
      }),
    [value, picked, toOption],
  );
  const total = list.data?.total ?? 0;
  const shown = list.data?.items.length ?? 0;

  return (
    <MultiSelect
      {...control}
      noun={noun}
      selected={selected}
      onSelectedChange={(next) => onChange(next.map((option) => option.value))}
      options={options}
      search={search}
      onSearchChange={setSearch}
      loading={list.isFetching}
      emptyText={query ? `No ${noun} named like “${query}”.` : `There are no ${noun} yet.`}
      footer={total > shown ? `${shown} of ${total} shown: type to narrow the list.` : undefined}
    />
  );
}

const characteristicOption = (item: Characteristic): Option => ({ value: item.id, label: item.name, description: describeCharacteristic(item) });

const specificationOption = (item: Specification): Option => ({
  value: item.id,
  label: item.name,
  description:
    item.description ||
    `${item.characteristicIds.length} characteristic${item.characteristicIds.length === 1 ? "" : "s"}`,
});

const priceOption = (item: Price): Option => ({
  value: item.id,
  label: item.name,
  description: formatPrice(item),
  flag: item.locked ? <PriceLockBadge /> : undefined,
});

export function CharacteristicPicker(props: ReferencePickerProps) {
  return (
    <ReferencePicker
      resource={characteristics}
      noun="characteristics"
      toOption={characteristicOption}
      {...props}
    />
  );
}

export function SpecificationPicker(props: ReferencePickerProps) {
  return (
    <ReferencePicker
      resource={specifications}
      noun="specifications"
      toOption={specificationOption}
      {...props}
    />
  );
}

export function PricePicker(props: ReferencePickerProps) {
  return <ReferencePicker resource={prices} noun="prices" toOption={priceOption} {...props} />;
}
