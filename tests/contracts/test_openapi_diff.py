"""The breaking-change rules, on small hand-made OpenAPI documents."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from dev.apicontracts.openapi_diff import BreakingChange, breaking_changes

JSON = "application/json"


def body(ref: str) -> dict[str, Any]:
    return {"content": {JSON: {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def base() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "paths": {
            "/things": {
                "get": {
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                        {
                            "name": "status",
                            "in": "query",
                            "schema": {
                                "anyOf": [{"$ref": "#/components/schemas/Status"}, {"type": "null"}]
                            },
                        },
                    ],
                    "responses": {"200": body("ThingList"), "401": {"description": "no token"}},
                },
                "post": {
                    "requestBody": {"required": True, **body("ThingWrite")},
                    "responses": {"201": body("Thing"), "400": {"description": "invalid"}},
                },
            },
            "/things/{thing_id}": {
                "get": {
                    "parameters": [
                        {"name": "thing_id", "in": "path", "required": True, "schema": {}}
                    ],
                    "responses": {"200": body("Thing"), "404": {"description": "unknown"}},
                },
                "delete": {"responses": {"204": {"description": "deleted"}}},
            },
        },
        "components": {
            "schemas": {
                "Status": {"enum": ["DRAFT", "PUBLISHED"], "type": "string"},
                "ThingWrite": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "description": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                        "tags": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["name"],
                },
                "Thing": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "name": {"type": "string"},
                        "status": {"$ref": "#/components/schemas/Status"},
                        "description": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                        "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Part"}},
                    },
                    "required": ["id", "name", "status", "description"],
                },
                "Part": {
                    "type": "object",
                    "properties": {
                        "label": {"type": "string"},
                        "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Part"}},
                    },
                },
                "ThingList": {
                    "type": "object",
                    "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                        "total": {"type": "integer"},
                    },
                    "required": ["items", "total"],
                },
            }
        },
    }


def changed(edit: Callable[[dict[str, Any]], None]) -> list[str]:
    old = base()
    new = copy.deepcopy(old)
    edit(new)
    return [str(change) for change in breaking_changes(old, new)]


def schemas(document: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"]
    return found


def test_an_unchanged_document_breaks_nothing() -> None:
    assert breaking_changes(base(), base()) == []


def test_a_change_reads_as_where_then_what() -> None:
    assert str(BreakingChange("GET /things", "response 404 removed")) == (
        "GET /things: response 404 removed"
    )


# -- breaking -------------------------------------------------------------------------------


def test_a_removed_path_is_breaking_once() -> None:
    assert changed(lambda doc: doc["paths"].pop("/things/{thing_id}")) == [
        "/things/{thing_id}: path removed"
    ]


def test_a_removed_operation_is_breaking() -> None:
    assert changed(lambda doc: doc["paths"]["/things/{thing_id}"].pop("delete")) == [
        "DELETE /things/{thing_id}: operation removed"
    ]


def test_a_removed_response_status_code_is_breaking() -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["paths"]["/things/{thing_id}"]["get"]["responses"].pop("404")

    assert changed(edit) == ["GET /things/{thing_id}: response 404 removed"]


def test_a_new_required_parameter_is_breaking() -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["paths"]["/things"]["get"]["parameters"].append(
            {"name": "currency", "in": "query", "required": True, "schema": {"type": "string"}}
        )

    assert changed(edit) == ["GET /things: query parameter 'currency' new and required"]


def test_an_optional_parameter_made_required_is_breaking() -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["paths"]["/things"]["get"]["parameters"][0]["required"] = True

    assert changed(edit) == ["GET /things: query parameter 'limit' became required"]


def test_a_new_required_request_body_property_is_breaking() -> None:
    def edit(doc: dict[str, Any]) -> None:
        write = schemas(doc)["ThingWrite"]
        write["properties"]["price"] = {"type": "string"}
        write["required"].append("price")

    assert changed(edit) == [
        "POST /things: request body (application/json): property 'price' new and required"
    ]


def test_an_optional_request_body_property_made_required_is_breaking() -> None:
    assert changed(lambda doc: schemas(doc)["ThingWrite"]["required"].append("tags")) == [
        "POST /things: request body (application/json): property 'tags' became required"
    ]


def test_a_request_body_made_required_is_breaking() -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["paths"]["/things/{thing_id}"]["delete"]["requestBody"] = {
            "required": True,
            **body("ThingWrite"),
        }

    assert changed(edit) == ["DELETE /things/{thing_id}: request body became required"]


def test_a_parameter_type_changed_is_breaking() -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["paths"]["/things"]["get"]["parameters"][0]["schema"] = {"type": "string"}

    assert changed(edit) == ["GET /things: query parameter 'limit': type no longer accepts integer"]


def test_a_request_property_no_longer_nullable_is_breaking() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schemas(doc)["ThingWrite"]["properties"]["description"] = {"type": "string"}

    assert changed(edit) == [
        "POST /things: request body (application/json).description: type no longer accepts null"
    ]


def test_a_nested_request_type_changed_is_breaking() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schemas(doc)["ThingWrite"]["properties"]["tags"]["items"] = {"type": "integer"}

    assert changed(edit) == [
        "POST /things: request body (application/json).tags[]: type no longer accepts string"
    ]


def test_enum_values_removed_from_what_clients_send_are_breaking() -> None:
    assert changed(lambda doc: schemas(doc)["Status"]["enum"].remove("PUBLISHED")) == [
        "GET /things: query parameter 'status': enum values removed: ['PUBLISHED']"
    ]


def test_an_enum_imposed_on_what_clients_send_is_breaking() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schemas(doc)["ThingWrite"]["properties"]["name"] = {"enum": ["a", "b"], "type": "string"}

    assert changed(edit) == [
        "POST /things: request body (application/json).name: now limited to the values ['a', 'b']"
    ]


def test_a_removed_response_property_is_breaking_wherever_it_is_returned() -> None:
    def edit(doc: dict[str, Any]) -> None:
        thing = schemas(doc)["Thing"]
        thing["properties"].pop("description")
        thing["required"].remove("description")

    assert changed(edit) == [
        "GET /things: response 200 (application/json).items[]: property 'description' removed",
        "GET /things/{thing_id}: response 200 (application/json): property 'description' removed",
        "POST /things: response 201 (application/json): property 'description' removed",
    ]


def test_a_response_type_that_may_now_hold_more_is_breaking() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schemas(doc)["ThingList"]["properties"]["total"] = {"type": "string"}

    assert changed(edit) == [
        "GET /things: response 200 (application/json).total: type may now be string"
    ]


def test_a_response_property_no_longer_always_present_is_breaking() -> None:
    assert changed(lambda doc: schemas(doc)["ThingList"]["required"].remove("total")) == [
        "GET /things: response 200 (application/json): property 'total' no longer required"
    ]


# -- not breaking ---------------------------------------------------------------------------


def test_additions_clients_need_not_know_of_break_nothing() -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["paths"]["/things/{thing_id}/parts"] = {"get": {"responses": {"200": {}}}}
        doc["paths"]["/things/{thing_id}"]["patch"] = {"responses": {"200": body("Thing")}}
        doc["paths"]["/things/{thing_id}"]["get"]["responses"]["412"] = {"description": "stale"}
        doc["paths"]["/things"]["get"]["parameters"].append(
            {"name": "name", "in": "query", "schema": {"type": "string"}}
        )
        schemas(doc)["ThingWrite"]["properties"]["note"] = {"type": "string"}
        schemas(doc)["Thing"]["properties"]["note"] = {"type": "string"}
        schemas(doc)["Status"]["enum"].append("RETIRED")

    assert changed(edit) == []


def test_widening_what_clients_send_and_narrowing_what_they_read_break_nothing() -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["paths"]["/things"]["get"]["parameters"][0]["schema"] = {"type": "number"}
        schemas(doc)["ThingWrite"]["required"] = []
        schemas(doc)["Thing"]["properties"]["description"] = {"type": "string"}
        schemas(doc)["Thing"]["required"].append("parts")

    assert changed(edit) == []


def test_a_removed_parameter_breaks_nothing() -> None:
    assert changed(lambda doc: doc["paths"]["/things"]["get"]["parameters"].pop(0)) == []


def test_recursive_schemas_are_compared_without_looping() -> None:
    def edit(doc: dict[str, Any]) -> None:
        schemas(doc)["Part"]["properties"]["label"] = {"type": "integer"}

    assert changed(edit) == [
        "GET /things: response 200 (application/json).items[].parts[].label: "
        "type may now be integer",
        "GET /things/{thing_id}: response 200 (application/json).parts[].label: "
        "type may now be integer",
        "POST /things: response 201 (application/json).parts[].label: type may now be integer",
    ]


@pytest.mark.parametrize("status", ["200", "401"])
def test_each_removed_status_code_is_reported(status: str) -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["paths"]["/things"]["get"]["responses"].pop(status)

    assert changed(edit) == [f"GET /things: response {status} removed"]
