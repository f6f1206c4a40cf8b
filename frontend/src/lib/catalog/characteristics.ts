import { useQuery } from "@tanstack/react-query";

import { api, ifMatch, unwrap } from "@/api/client";
import type { operations } from "@/api/generated/characteristic";

import { defineResource } from "./resource";
import type { Characteristic, CharacteristicWrite, Unit } from "./types";

export type CharacteristicQuery = NonNullable<
  operations["characteristics-list_characteristics"]["parameters"]["query"]
>;

const PATH = "/api/v1/characteristics";
const ITEM = "/api/v1/characteristics/{characteristic_id}";

export const characteristics = defineResource<
  Characteristic,
  CharacteristicQuery,
  CharacteristicWrite
>({
  name: "characteristics",
  list: (query) => unwrap(api.characteristics.GET(PATH, { params: { query } })),
  get: (id) =>
    unwrap(api.characteristics.GET(ITEM, { params: { path: { characteristic_id: id } } })),
  create: (body) => unwrap(api.characteristics.POST(PATH, { body })),
  replace: (current, body) =>
    unwrap(
      api.characteristics.PUT(ITEM, {
        params: { path: { characteristic_id: current.id }, header: ifMatch(current) },
        body,
      }),
    ),
  remove: (current) =>
    unwrap(
      api.characteristics.DELETE(ITEM, {
        params: { path: { characteristic_id: current.id }, header: ifMatch(current) },
      }),
    ).then(() => undefined),
});

/** The units a characteristic may use, grouped by category for a select. */
export function useUnits() {
  return useQuery({
    queryKey: ["characteristics", "units"],
    queryFn: () => unwrap(api.characteristics.GET("/api/v1/characteristics/units")),
    staleTime: Infinity,
    select: groupUnits,
  });
}

export interface UnitGroup {
  category: string;
  units: Unit[];
}

export function groupUnits(units: Unit[]): UnitGroup[] {
  const groups = new Map<string, Unit[]>();
  for (const unit of units) {
    const group = groups.get(unit.category) ?? [];
    group.push(unit);
    groups.set(unit.category, group);
  }
  return [...groups].map(([category, members]) => ({ category, units: members }));
}

export function describeCharacteristic(item: Pick<Characteristic, "value" | "unitOfMeasure">) {
  return item.unitOfMeasure === "None" ? item.value : `${item.value} ${item.unitOfMeasure}`;
}
