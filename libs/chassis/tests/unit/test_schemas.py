from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from catalog_chassis.schemas import ApiModel, contains_nul


class Characteristic(ApiModel):
    unit_of_measure: str
    created_at: datetime


def test_serializes_camel_case() -> None:
    model = Characteristic(unit_of_measure="Mbps", created_at=datetime(2025, 1, 2, tzinfo=UTC))

    assert model.model_dump(mode="json") == {
        "unitOfMeasure": "Mbps",
        "createdAt": "2025-01-02T00:00:00Z",
    }


def test_accepts_camel_case_and_snake_case_input() -> None:
    from_json = Characteristic.model_validate(
        {"unitOfMeasure": "Mbps", "createdAt": "2025-01-02T00:00:00Z"}
    )
    from_python = Characteristic.model_validate(
        {"unit_of_measure": "Mbps", "created_at": "2025-01-02T00:00:00Z"}
    )

    assert from_json == from_python


def test_json_schema_uses_the_camel_case_names() -> None:
    schema = Characteristic.model_json_schema()

    assert set(schema["properties"]) == {"unitOfMeasure", "createdAt"}


class Named(ApiModel):
    name: str
    tags: list[str] = []


@pytest.mark.parametrize("body", [{"name": "a\x00b"}, {"name": "ok", "tags": ["x", "\x00"]}])
def test_text_holding_a_nul_character_is_refused(body) -> None:
    with pytest.raises(ValidationError, match="must not contain NUL characters"):
        Named.model_validate(body)


def test_text_without_nul_passes_through_unchanged() -> None:
    assert Named.model_validate({"name": "Fibre 100", "tags": ["a"]}).tags == ["a"]


@pytest.mark.parametrize("value", ["a\x00", ["x", "y\x00"], {"k\x00": "v"}, ("\x00",)])
def test_contains_nul_looks_into_collections(value) -> None:
    assert contains_nul(value)


def test_contains_nul_ignores_other_values() -> None:
    assert not contains_nul(["a", 1, None, {"k": "v"}])
