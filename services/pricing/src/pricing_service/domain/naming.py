"""The naming rule for prices.

Prices follow the catalog's naming rule (1-200 characters, compared case-insensitively, see
`catalog_chassis.naming`) but may also use the punctuation price names are written with:
"Fibre 100 (monthly)", "Bundle 2/3", "Plan v1.2 - annual, EUR". Quotes, angle brackets,
currency signs and control characters stay out: the amount and currency are fields of their
own, and names are shown in HTML, URLs and logs.
"""

from __future__ import annotations

from catalog_chassis.errors import FieldError
from catalog_chassis.naming import name_errors

NAME_PUNCTUATION = "-_./(),"


def price_name_errors(name: str) -> list[FieldError]:
    return name_errors(name, punctuation=NAME_PUNCTUATION)
