"""docs/api/<service>.openapi.json is what each service's app serves at /openapi.json."""

from __future__ import annotations

import json

import pytest

from dev.apicontracts.generate import (
    REGENERATE,
    ROOT,
    SERVICES,
    canonical_json,
    diff_excerpt,
    generated_files,
    leftover_files,
    openapi_documents,
    openapi_path,
)


@pytest.mark.parametrize("service", SERVICES)
def test_the_committed_openapi_document_is_what_the_code_generates(service: str) -> None:
    path = openapi_path(service)
    name = str(path.relative_to(ROOT))
    assert path.is_file(), f"{name} is missing: {REGENERATE}"

    committed = canonical_json(json.loads(path.read_text()))
    generated = canonical_json(openapi_documents()[service])

    if committed != generated:
        pytest.fail(
            f"{name} is stale: the code generates a different OpenAPI document; "
            f"{REGENERATE}.\n{diff_excerpt(committed, generated, name)}",
            pytrace=False,
        )


def test_no_committed_document_is_left_over_from_code_that_is_gone() -> None:
    leftovers = [str(path.relative_to(ROOT)) for path in leftover_files(generated_files())]

    assert not leftovers, f"no longer generated: {leftovers}; {REGENERATE}"


def test_the_documents_are_openapi_3_1_with_every_service_route() -> None:
    for service, document in openapi_documents().items():
        assert document["openapi"].startswith("3.1"), service
        assert "/health" in document["paths"], service
        assert any(path.startswith("/api/v1/") for path in document["paths"]), service
