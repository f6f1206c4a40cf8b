"""Units of measure a characteristic's value can be expressed in."""

from __future__ import annotations

from enum import StrEnum


class UnitCategory(StrEnum):
    DATA_RATE = "Data rate"
    DATA_VOLUME = "Data volume"
    FREQUENCY = "Frequency"
    ELECTRICAL = "Electrical"
    LENGTH = "Length"
    AREA = "Area"
    WEIGHT = "Weight"
    TIME = "Time"
    COUNT = "Count"
    NONE = "None"


class UnitOfMeasure(StrEnum):
    """The value is what the API speaks (``"Mbps"``); the label is for people."""

    BPS = "bps"
    KBPS = "kbps"
    MBPS = "Mbps"
    GBPS = "Gbps"
    TBPS = "Tbps"
    BYTE = "B"
    KILOBYTE = "KB"
    MEGABYTE = "MB"
    GIGABYTE = "GB"
    TERABYTE = "TB"
    PETABYTE = "PB"
    HERTZ = "Hz"
    KILOHERTZ = "kHz"
    MEGAHERTZ = "MHz"
    GIGAHERTZ = "GHz"
    VOLT = "Volt"
    AMPERE = "Ampere"
    WATT = "Watt"
    KILOWATT_HOUR = "kWh"
    MILLIMETER = "mm"
    CENTIMETER = "cm"
    METER = "m"
    KILOMETER = "km"
    SQUARE_METER = "m2"
    SQUARE_KILOMETER = "km2"
    GRAM = "g"
    KILOGRAM = "kg"
    TONNE = "t"
    MILLISECOND = "ms"
    SECOND = "second"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    COUNT = "count"
    PERCENT = "percent"
    NONE = "None"

    @property
    def category(self) -> UnitCategory:
        return _CATEGORIES[self]

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value)


_CATEGORIES: dict[UnitOfMeasure, UnitCategory] = {
    **dict.fromkeys(
        [
            UnitOfMeasure.BPS,
            UnitOfMeasure.KBPS,
            UnitOfMeasure.MBPS,
            UnitOfMeasure.GBPS,
            UnitOfMeasure.TBPS,
        ],
        UnitCategory.DATA_RATE,
    ),
    **dict.fromkeys(
        [
            UnitOfMeasure.BYTE,
            UnitOfMeasure.KILOBYTE,
            UnitOfMeasure.MEGABYTE,
            UnitOfMeasure.GIGABYTE,
            UnitOfMeasure.TERABYTE,
            UnitOfMeasure.PETABYTE,
        ],
        UnitCategory.DATA_VOLUME,
    ),
    **dict.fromkeys(
        [
            UnitOfMeasure.HERTZ,
            UnitOfMeasure.KILOHERTZ,
            UnitOfMeasure.MEGAHERTZ,
            UnitOfMeasure.GIGAHERTZ,
        ],
        UnitCategory.FREQUENCY,
    ),
    **dict.fromkeys(
        [UnitOfMeasure.VOLT, UnitOfMeasure.AMPERE, UnitOfMeasure.WATT, UnitOfMeasure.KILOWATT_HOUR],
        UnitCategory.ELECTRICAL,
    ),
    **dict.fromkeys(
        [
            UnitOfMeasure.MILLIMETER,
            UnitOfMeasure.CENTIMETER,
            UnitOfMeasure.METER,
            UnitOfMeasure.KILOMETER,
        ],
        UnitCategory.LENGTH,
    ),
    **dict.fromkeys(
        [UnitOfMeasure.SQUARE_METER, UnitOfMeasure.SQUARE_KILOMETER], UnitCategory.AREA
    ),
    **dict.fromkeys(
        [UnitOfMeasure.GRAM, UnitOfMeasure.KILOGRAM, UnitOfMeasure.TONNE], UnitCategory.WEIGHT
    ),
    **dict.fromkeys(
        [
            UnitOfMeasure.MILLISECOND,
            UnitOfMeasure.SECOND,
            UnitOfMeasure.MINUTE,
            UnitOfMeasure.HOUR,
            UnitOfMeasure.DAY,
            UnitOfMeasure.WEEK,
            UnitOfMeasure.MONTH,
            UnitOfMeasure.YEAR,
        ],
        UnitCategory.TIME,
    ),
    **dict.fromkeys([UnitOfMeasure.COUNT, UnitOfMeasure.PERCENT], UnitCategory.COUNT),
    UnitOfMeasure.NONE: UnitCategory.NONE,
}

_LABELS: dict[UnitOfMeasure, str] = {
    UnitOfMeasure.BPS: "bit/s",
    UnitOfMeasure.KBPS: "kbit/s",
    UnitOfMeasure.MBPS: "Mbit/s",
    UnitOfMeasure.GBPS: "Gbit/s",
    UnitOfMeasure.TBPS: "Tbit/s",
    UnitOfMeasure.BYTE: "byte",
    UnitOfMeasure.MILLIMETER: "millimetre",
    UnitOfMeasure.CENTIMETER: "centimetre",
    UnitOfMeasure.METER: "metre",
    UnitOfMeasure.KILOMETER: "kilometre",
    UnitOfMeasure.SQUARE_METER: "square metre",
    UnitOfMeasure.SQUARE_KILOMETER: "square kilometre",
    UnitOfMeasure.GRAM: "gram",
    UnitOfMeasure.KILOGRAM: "kilogram",
    UnitOfMeasure.TONNE: "tonne",
    UnitOfMeasure.MILLISECOND: "millisecond",
    UnitOfMeasure.PERCENT: "%",
    UnitOfMeasure.NONE: "no unit",
}
