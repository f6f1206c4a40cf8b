"""status.conditions: Ready, Progressing and Degraded with reasons and observedGeneration."""

from __future__ import annotations

from catalog_operator import conditions


def by_type(found: list[conditions.Condition]) -> dict[str, conditions.Condition]:
    return {c["type"]: c for c in found}


def test_ready_sets_all_three_conditions_in_a_stable_order() -> None:
    found = conditions.ready([], "Deployed", "deployed x v1", 4)

    assert [(c["type"], c["status"]) for c in found] == [
        ("Ready", "True"),
        ("Progressing", "False"),
        ("Degraded", "False"),
    ]
    assert all(c["reason"] == "Deployed" and c["observedGeneration"] == 4 for c in found)


def test_degraded_is_neither_ready_nor_progressing() -> None:
    found = by_type(conditions.degraded([], "DeploymentRejected", "parse error", 1))

    assert found["Degraded"]["status"] == "True"
    assert found["Degraded"]["message"] == "parse error"
    assert (found["Ready"]["status"], found["Progressing"]["status"]) == ("False", "False")


def test_progressing_is_not_ready_yet() -> None:
    found = by_type(conditions.progressing([], "MigrationRunning", "Job x", 1))

    assert (found["Ready"]["status"], found["Progressing"]["status"]) == ("False", "True")


def test_the_transition_time_moves_only_when_the_status_changes() -> None:
    first = conditions.state(
        [],
        ready=False,
        progressing=True,
        degraded=False,
        reason="A",
        message="",
        generation=1,
        at="2026-01-01T00:00:00Z",
    )

    again = by_type(conditions.progressing(first, "B", "still", 2))
    done = by_type(conditions.ready(first, "C", "done", 2))

    assert again["Progressing"]["lastTransitionTime"] == "2026-01-01T00:00:00Z"
    assert again["Progressing"]["reason"] == "B"
    assert done["Ready"]["lastTransitionTime"] != "2026-01-01T00:00:00Z"
    assert done["Degraded"]["lastTransitionTime"] == "2026-01-01T00:00:00Z"


def test_other_conditions_are_kept() -> None:
    found = conditions.ready([{"type": "Custom", "status": "True"}], "R", "", 1)

    assert found[-1] == {"type": "Custom", "status": "True"}


def test_a_long_message_is_cut_to_what_the_schema_allows() -> None:
    (ready, *_) = conditions.ready([], "R", "x" * 40_000, 1)

    assert len(ready["message"]) == 32_768


def test_find() -> None:
    found = conditions.ready([], "R", "", 1)

    assert conditions.find(found, "Ready") is found[0]
    assert conditions.find(found, "Missing") is None
