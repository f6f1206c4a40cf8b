"""Response bodies of the public store API (the contract's shape)."""

from __future__ import annotations

import uuid
from datetime import datetime

from catalog_chassis.schemas import ApiModel


class CharacteristicPublic(ApiModel):
    id: uuid.UUID
    name: str
    value: str
    unit_of_measure: str


class SpecificationPublic(ApiModel):
    id: uuid.UUID
    name: str
    description: str | None
    characteristics: list[CharacteristicPublic]


class PricePublic(ApiModel):
    id: uuid.UUID
    name: str
    value: str
    unit: str
    currency: str


class StoreOfferingPublic(ApiModel):
    id: uuid.UUID
    name: str
    description: str | None
    sales_channels: list[str]
    published_at: datetime | None
    version: int
    specifications: list[SpecificationPublic]
    prices: list[PricePublic]


class CharacteristicFacetPublic(ApiModel):
    name: str
    value: str
    unit_of_measure: str
    count: int


class UnitFacetPublic(ApiModel):
    unit_of_measure: str
    min: float
    max: float


class ChannelFacetPublic(ApiModel):
    value: str
    count: int


class PriceFacetPublic(ApiModel):
    min: float | None
    max: float | None


class FacetsPublic(ApiModel):
    characteristics: list[CharacteristicFacetPublic]
    units: list[UnitFacetPublic]
    sales_channels: list[ChannelFacetPublic]
    price: PriceFacetPublic


class SearchPage(ApiModel):
    items: list[StoreOfferingPublic]
    total: int
    limit: int
    offset: int
    facets: FacetsPublic
