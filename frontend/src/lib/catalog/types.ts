/** The catalog's resources as the API speaks them (generated from the OpenAPI documents). */
import type { components as CharacteristicSchemas } from "@/api/generated/characteristic";
import type { components as IdentitySchemas } from "@/api/generated/identity";
import type { components as OfferingSchemas } from "@/api/generated/offering";
import type { components as PricingSchemas } from "@/api/generated/pricing";
import type { components as SpecificationSchemas } from "@/api/generated/specification";

export type User = IdentitySchemas["schemas"]["UserPublic"];

export type Characteristic = CharacteristicSchemas["schemas"]["CharacteristicPublic"];
export type CharacteristicWrite = CharacteristicSchemas["schemas"]["CharacteristicWrite"];
export type UnitOfMeasure = CharacteristicSchemas["schemas"]["UnitOfMeasure"];
export type Unit = CharacteristicSchemas["schemas"]["UnitPublic"];

export type Specification = SpecificationSchemas["schemas"]["SpecificationPublic"];
export type SpecificationWrite = SpecificationSchemas["schemas"]["SpecificationWrite"];

export type Price = PricingSchemas["schemas"]["PricePublic"];
export type PriceWrite = PricingSchemas["schemas"]["PriceWrite"];
export type Currency = PricingSchemas["schemas"]["Currency"];

export type Offering = OfferingSchemas["schemas"]["OfferingPublic"];
export type OfferingWrite = OfferingSchemas["schemas"]["OfferingWrite"];
export type LifecycleStatus = OfferingSchemas["schemas"]["LifecycleStatus"];
export type SalesChannel = OfferingSchemas["schemas"]["SalesChannelPublic"];

/** Every list endpoint answers one page of this shape. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** What every resource has: the list, detail and update hooks rely on it. */
export interface Versioned {
  id: string;
  version: number;
}

/** The currencies a price may be in, in the order the pricing contract lists them. */
export const CURRENCIES: readonly Currency[] = ["USD", "EUR", "TRY"];
