"""`?limit=&offset=` pagination and the `{items,total,limit,offset}` list envelope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from starlette.responses import Response

from catalog_chassis.schemas import ApiModel

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Beyond this an offset is no page anyone can reach (and past 2**63 the database driver
# cannot even encode it): refused with a 400 like any other out-of-range parameter.
MAX_OFFSET = 2**31 - 1
TOTAL_COUNT_HEADER = "X-Total-Count"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int = DEFAULT_LIMIT
    offset: int = 0


async def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Maximum number of items to return")
    ] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Number of items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


# Out-of-range values fail request validation, which the problem handlers turn into 400.
PageQuery = Annotated[PageParams, Depends(page_params)]


class Page(ApiModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, items: Sequence[T], total: int, params: PageParams) -> Page[T]:
        return cls(items=list(items), total=total, limit=params.limit, offset=params.offset)


def set_total_count(response: Response, total: int) -> None:
    response.headers[TOTAL_COUNT_HEADER] = str(total)
