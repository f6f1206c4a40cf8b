"""Which offerings use a specification, as learnt from the offering service's events.

A specification used by an offering that is not RETIRED must not be deleted. The offering
service owns the references; this service keeps the inverse view (the mechanism is the
chassis' reference usages: see catalog_chassis.usages).
"""

from __future__ import annotations

from catalog_chassis.usages import offering_events

OFFERING_USAGE_EVENTS = offering_events(ids_field="specificationIds")
