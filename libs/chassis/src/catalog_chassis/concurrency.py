"""Optimistic concurrency over HTTP: `ETag: "<version>"` out, `If-Match` in.

Every resource carries an integer `version`; a client that updates with a stale `If-Match`
gets 412 instead of silently overwriting someone else's change.
"""

from __future__ import annotations

import re

from starlette.responses import Response

from catalog_chassis.errors import PreconditionFailed

# `3` (lenient, for hand-written calls), `"3"` (strong tag) or `W/"3"` (weak tag)
_ENTITY_TAG = re.compile(r'(\d{1,18})|(?:W/)?"(\d{1,18})"')


def etag_for(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag_for(version)


def parse_if_match(header: str | None) -> int | None:
    """The version an `If-Match` asks for; None when absent or `*` (any version).

    Accepts `3`, `"3"` and `W/"3"`; anything else cannot match a version, hence 412.
    """
    if header is None:
        return None
    value = header.strip()
    if value == "*":
        return None
    match = _ENTITY_TAG.fullmatch(value)
    if match is None:
        raise PreconditionFailed(f'If-Match {header!r} is not a version tag such as "3"')
    return int(match.group(1) or match.group(2))
