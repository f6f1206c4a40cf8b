from datetime import UTC, datetime

from catalog_chassis.schemas import ApiModel


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
