from decimal import Decimal

import pytest

from pricing_service.domain.money import (
    Currency,
    InvalidAmount,
    UnknownCurrency,
    format_amount,
    parse_amount,
    parse_currency,
)


class TestParsingAmounts:
    @pytest.mark.parametrize(
        ("raw", "amount"),
        [
            ("19.99", Decimal("19.99")),
            ("20", Decimal("20.00")),
            ("0.01", Decimal("0.01")),
            ("7.5", Decimal("7.50")),
            ("007.50", Decimal("7.50")),
            ("9999999999.99", Decimal("9999999999.99")),
            (Decimal("19.99"), Decimal("19.99")),
            (Decimal("1E+2"), Decimal("100.00")),
            (Decimal("15E-1"), Decimal("1.50")),
        ],
    )
    def test_accepts_exact_positive_amounts_with_at_most_two_decimals(self, raw, amount):
        parsed = parse_amount(raw)
        assert parsed == amount and parsed.as_tuple().exponent == -2

    @pytest.mark.parametrize(
        ("raw", "message"),
        [
            ("19.999", "at most 2 decimal places"),
            ("19.990", "at most 2 decimal places"),
            (Decimal("0.001"), "at most 2 decimal places"),
            ("0", "greater than 0"),
            ("0.00", "greater than 0"),
            ("-0", "greater than 0"),
            ("-5", "greater than 0"),
            (Decimal("-0.01"), "greater than 0"),
            ("10000000000", "at most 9999999999.99"),
            ("", "decimal number"),
            ("abc", "decimal number"),
            ("NaN", "decimal number"),
            ("Infinity", "decimal number"),
            ("1e3", "decimal number"),
            (" 5", "decimal number"),
            ("5 ", "decimal number"),
            ("+5", "decimal number"),
            ("5.", "decimal number"),
            (".5", "decimal number"),
            ("1,50", "decimal number"),
            ("\u0665", "decimal number"),  # ARABIC-INDIC DIGIT FIVE: Decimal() would take it
            (Decimal("NaN"), "finite"),
            (Decimal("Infinity"), "finite"),
            (Decimal("-Infinity"), "finite"),
        ],
    )
    def test_refuses_anything_else_saying_why(self, raw, message):
        with pytest.raises(InvalidAmount, match=message):
            parse_amount(raw)

    def test_formats_with_exactly_two_decimals(self):
        assert format_amount(Decimal("20")) == "20.00"
        assert format_amount(Decimal("19.9")) == "19.90"


class TestCurrencies:
    def test_knows_usd_eur_and_try(self):
        assert {parse_currency(c) for c in ("USD", "EUR", "TRY")} == set(Currency)

    @pytest.mark.parametrize("raw", ["GBP", "usd", "", "EURO", " EUR"])
    def test_refuses_every_other_code(self, raw):
        with pytest.raises(UnknownCurrency, match="USD, EUR, TRY"):
            parse_currency(raw)
