"""Which specifications use a characteristic, as learnt from the specification service.

A characteristic in use must not be deleted. The specification service owns the
references; this service keeps the inverse view, fed by its events (the mechanism is the
chassis' reference usages: see catalog_chassis.usages).
"""

from __future__ import annotations

from catalog_chassis.usages import MalformedSnapshot, ReferrerEvents

__all__ = ["SPECIFICATION_USAGE_EVENTS", "MalformedSnapshot"]

# A specification uses the characteristics its snapshot lists until it is deleted.
SPECIFICATION_USAGE_EVENTS = ReferrerEvents(
    referrer="specification",
    ids_field="characteristicIds",
    recording=frozenset({"SpecificationCreated", "SpecificationUpdated"}),
    releasing=frozenset({"SpecificationDeleted"}),
)
