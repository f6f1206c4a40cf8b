"""No committed OpenAPI document changes in a way that breaks clients, unless the change is
acknowledged alongside it in docs/api/breaking-changes.yaml.

The change judged is the uncommitted one when docs/api differs from HEAD, else the last
commit (HEAD against HEAD~1), which is what CI sees: see dev/apicontracts/baseline.py.
"""

from __future__ import annotations

import pytest

from dev.apicontracts.baseline import (
    ACKNOWLEDGEMENTS,
    NoBaseline,
    judge_openapi,
    parse_acknowledgements,
)
from dev.apicontracts.generate import ROOT, SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_no_unacknowledged_breaking_change(service: str) -> None:
    try:
        verdict = judge_openapi(ROOT, service)
    except NoBaseline as reason:
        pytest.skip(f"docs/api/{service}.openapi.json not compared: {reason}")

    if verdict.unacknowledged:
        judged = verdict.comparison
        listed = "\n".join(f"  - {change}" for change in verdict.unacknowledged)
        pytest.fail(
            f"{judged.path} ({judged.new_revision} against {judged.base_revision}) breaks "
            f"clients:\n{listed}\nIf that is intended, acknowledge each in {ACKNOWLEDGEMENTS} "
            f"in the same commit:\n  - service: {service}\n    change: "
            f'"{verdict.unacknowledged[0]}"\n    why: <why, and what clients must do>',
            pytrace=False,
        )


def test_the_acknowledgements_are_well_formed() -> None:
    entries = parse_acknowledgements((ROOT / ACKNOWLEDGEMENTS).read_text())

    unknown = sorted({entry.service for entry in entries} - set(SERVICES))
    assert not unknown, f"{ACKNOWLEDGEMENTS} names unknown services: {unknown}"
