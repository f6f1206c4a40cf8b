"""Money amounts and currencies, parsed exactly: a price is never silently rounded."""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum

DECIMAL_PLACES = 2
# The column is NUMERIC(12, 2): ten digits before the point, two after.
MAX_AMOUNT = Decimal("9999999999.99")
CENT = Decimal(1).scaleb(-DECIMAL_PLACES)

# Plain notation in ASCII digits only: Decimal() would also take " 5", "1e3", "NaN" and
# digits of other scripts.
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)


class Currency(StrEnum):
    USD = "USD"
    EUR = "EUR"
    TRY = "TRY"


class InvalidAmount(ValueError):
    """Why a text is not a price amount, phrased to follow the field name."""


class UnknownCurrency(ValueError):
    pass


def parse_amount(raw: str | Decimal) -> Decimal:
    """The amount `raw` states exactly, with two decimal places (``"20"`` -> ``20.00``).

    Refuses anything that is not a finite plain decimal number, is zero or negative, has more
    than two decimal places (``19.990`` included: its precision is not a price's) or does
    not fit the column.
    """
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise InvalidAmount("must be a finite number")
        text = format(raw, "f")
    else:
        text = raw
    if not _PLAIN_DECIMAL.fullmatch(text):
        raise InvalidAmount('must be a decimal number such as "19.99"')
    amount = Decimal(text)
    if amount <= 0:
        raise InvalidAmount("must be greater than 0")
    if _decimal_places(amount) > DECIMAL_PLACES:
        raise InvalidAmount(f"must have at most {DECIMAL_PLACES} decimal places")
    if amount > MAX_AMOUNT:
        raise InvalidAmount(f"must be at most {MAX_AMOUNT}")
    return amount.quantize(CENT)


def format_amount(amount: Decimal) -> str:
    """How amounts travel in JSON: a string with exactly two decimals, e.g. ``"19.90"``."""
    return str(amount.quantize(CENT))


def parse_currency(raw: str) -> Currency:
    try:
        return Currency(raw)
    except ValueError:
        known = ", ".join(currency.value for currency in Currency)
        raise UnknownCurrency(f"'{raw}' is not a supported currency ({known})") from None


def _decimal_places(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)  # finite amounts only reach here
    return max(-exponent, 0)
