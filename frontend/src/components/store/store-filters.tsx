"use client";

import { useId, useState } from "react";

import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Input, Select } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useUrlBoundText } from "@/hooks/use-url-state";
import { CURRENCIES } from "@/lib/catalog/types";
import {
  activeFilterCount,
  channelLabel,
  cleanDecimal,
  formatValue,
  toggle,
  type Facets,
  type SearchState,
} from "@/lib/store/search-state";

const FACETS_SHOWN = 8;

interface FiltersProps {
  state: SearchState;
  facets: Facets | undefined;
  onChange: (change: Partial<SearchState>) => void;
  onClear: () => void;
}

/** The filters beside the results: price, channels, characteristics, unit ranges. */
export function StoreFilters({ state, facets, onChange, onClear }: FiltersProps) {
  const active = activeFilterCount(state);
  return (
    <div className="grid gap-6">
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-base font-semibold">Filters</h2>
        {active > 0 ? (
          <Button variant="link" size="sm" className="h-auto px-0" onClick={onClear}>
            Clear filters ({active})
          </Button>
        ) : null}
      </div>
      <PriceFilter state={state} onChange={onChange} />
      <ChannelFilter state={state} facets={facets} onChange={onChange} />
      <CharacteristicFilter state={state} facets={facets} onChange={onChange} />
      <UnitFilters state={state} facets={facets} onChange={onChange} />
    </div>
  );
}

function Group({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <fieldset className="grid gap-2">
      <legend className="mb-2 text-sm font-medium text-foreground">{title}</legend>
      {children}
    </fieldset>
  );
}

function NumberBox({
  id,
  label,
  value,
  placeholder,
  onCommit,
}: {
  id: string;
  label: string;
  value: string;
  placeholder?: string;
  onCommit: (value: string) => void;
}) {
  const [text, setText] = useUrlBoundText(value, (typed) => onCommit(cleanDecimal(typed)));
  const invalid = text.trim() !== "" && cleanDecimal(text) === "";
  return (
    <div className="grid gap-1">
      <Label htmlFor={id} className="text-xs text-muted-foreground">
        {label}
      </Label>
      <Input
        id={id}
        inputMode="decimal"
        autoComplete="off"
        value={text}
        placeholder={placeholder}
        aria-invalid={invalid}
        onChange={(event) => setText(event.target.value)}
        className="h-9"
      />
    </div>
  );
}

function PriceFilter({ state, onChange }: Pick<FiltersProps, "state" | "onChange">) {
  return (
    <Group title="Price">
      <div className="grid grid-cols-2 gap-2">
        <NumberBox
          id="filter-min-price"
          label="Minimum price"
          value={state.minPrice}
          placeholder="Any"
          onCommit={(minPrice) => onChange({ minPrice })}
        />
        <NumberBox
          id="filter-max-price"
          label="Maximum price"
          value={state.maxPrice}
          placeholder="Any"
          onCommit={(maxPrice) => onChange({ maxPrice })}
        />
      </div>
      <div className="grid gap-1">
        <Label htmlFor="filter-currency" className="text-xs text-muted-foreground">
          Currency
        </Label>
        <Select
          id="filter-currency"
          className="h-9"
          value={state.currency}
          onChange={(event) => onChange({ currency: event.target.value })}
        >
          <option value="">Any currency</option>
          {CURRENCIES.map((currency) => (
            <option key={currency} value={currency}>
              {currency}
            </option>
          ))}
        </Select>
      </div>
    </Group>
  );
}

function CheckRow({
  checked,
  onToggle,
  label,
  detail,
  count,
}: {
  checked: boolean;
  onToggle: () => void;
  label: string;
  detail?: string;
  count?: number;
}) {
  const id = useId();
  return (
    <div className="flex items-start gap-2">
      <Checkbox id={id} checked={checked} onCheckedChange={onToggle} className="mt-0.5" />
      <Label htmlFor={id} className="flex min-w-0 flex-1 items-baseline justify-between gap-2 font-normal">
        <span className="min-w-0 break-words">
          {label}
          {detail ? <span className="text-muted-foreground"> · {detail}</span> : null}
        </span>
        {count !== undefined ? (
          <span className="shrink-0 text-xs tabular-nums text-muted-foreground">
            <span className="sr-only">(</span>
            {count}
            <span className="sr-only"> offerings)</span>
          </span>
        ) : null}
      </Label>
    </div>
  );
}

function ChannelFilter({ state, facets, onChange }: Omit<FiltersProps, "onClear">) {
  const counts = new Map((facets?.salesChannels ?? []).map((facet) => [facet.value, facet.count]));
  const values = [...new Set([...counts.keys(), ...state.channels])];
  if (values.length === 0) return null;
  return (
    <Group title="Sales channels">
      {values.map((value) => (
        <CheckRow
          key={value}
          label={channelLabel(value)}
          count={counts.get(value) ?? 0}
          checked={state.channels.includes(value)}
          onToggle={() => onChange({ channels: toggle(state.channels, value) })}
        />
      ))}
    </Group>
  );
}

function CharacteristicFilter({ state, facets, onChange }: Omit<FiltersProps, "onClear">) {
  const [all, setAll] = useState(false);
  const listed = facets?.characteristics ?? [];
  const known = new Set(listed.map((facet) => facet.name));
  const picked = state.characteristics.filter((name) => !known.has(name));
  // The picked ones first, so a long list never hides what is on.
  const sorted = [...listed].sort(
    (a, b) =>
      Number(state.characteristics.includes(b.name)) -
        Number(state.characteristics.includes(a.name)) || b.count - a.count,
  );
  const shown = all ? sorted : sorted.slice(0, FACETS_SHOWN);
  if (listed.length === 0 && picked.length === 0) return null;
  return (
    <Group title="Characteristics">
      {picked.map((name) => (
        <CheckRow
          key={name}
          label={name}
          count={0}
          checked
          onToggle={() => onChange({ characteristics: toggle(state.characteristics, name) })}
        />
      ))}
      {shown.map((facet) => (
        <CheckRow
          key={facet.name}
          label={facet.name}
          detail={formatValue(facet)}
          count={facet.count}
          checked={state.characteristics.includes(facet.name)}
          onToggle={() => onChange({ characteristics: toggle(state.characteristics, facet.name) })}
        />
      ))}
      {sorted.length > FACETS_SHOWN ? (
        <Button
          variant="link"
          size="sm"
          className="h-auto justify-start px-0"
          aria-expanded={all}
          onClick={() => setAll(!all)}
        >
          {all ? "Show fewer" : `Show all ${sorted.length}`}
        </Button>
      ) : null}
    </Group>
  );
}

function UnitFilters({ state, facets, onChange }: Omit<FiltersProps, "onClear">) {
  const units = (facets?.units ?? []).filter((facet) => facet.unitOfMeasure !== "None");
  const extra = Object.keys(state.units).filter(
    (unit) => !units.some((facet) => facet.unitOfMeasure === unit),
  );
  if (units.length === 0 && extra.length === 0) return null;
  const ranges = [
    ...units.map((facet) => ({
      unit: facet.unitOfMeasure,
      hint: `${facet.min}–${facet.max}`,
    })),
    ...extra.map((unit) => ({ unit, hint: "" })),
  ];
  function set(unit: string, bound: "min" | "max", value: string) {
    const current = state.units[unit] ?? { min: "", max: "" };
    const next = { ...state.units, [unit]: { ...current, [bound]: value } };
    if (!next[unit]?.min && !next[unit]?.max) delete next[unit];
    onChange({ units: next });
  }
  return (
    <Group title="Ranges">
      {ranges.map(({ unit, hint }) => (
        <div key={unit} className="grid gap-1">
          <p className="text-xs font-medium">
            {unit}
            {hint ? <span className="font-normal text-muted-foreground"> (from {hint})</span> : null}
          </p>
          <div className="grid grid-cols-2 gap-2">
            <NumberBox
              id={`filter-unit-${unit}-min`}
              label={`At least (${unit})`}
              value={state.units[unit]?.min ?? ""}
              onCommit={(value) => set(unit, "min", value)}
            />
            <NumberBox
              id={`filter-unit-${unit}-max`}
              label={`At most (${unit})`}
              value={state.units[unit]?.max ?? ""}
              onCommit={(value) => set(unit, "max", value)}
            />
          </div>
        </div>
      ))}
    </Group>
  );
}
