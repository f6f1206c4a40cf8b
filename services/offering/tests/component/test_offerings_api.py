"""The offerings API in-process on real Postgres: bodies, status codes, headers, problems."""

from __future__ import annotations

import uuid

import pytest

from catalog_testing import assert_problem, fields_of

pytestmark = pytest.mark.component

BASE = "/api/v1/offerings"
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}


def tag() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture
async def complete(known_specification, new_price):
    async def body(**overrides) -> dict:
        return {
            "name": f"Fibre home {tag()}",
            "description": "Fast internet",
            "specificationIds": [await known_specification()],
            "priceIds": [(await new_price())["id"]],
            "salesChannels": ["ONLINE"],
            **overrides,
        }

    return body


async def test_a_draft_with_only_a_name_is_created_with_location_and_etag(client, admin):
    response = await client.post(BASE, json={"name": f"Bare {tag()}"}, headers=admin)

    assert response.status_code == 201
    body = response.json()
    assert response.headers["Location"] == f"{BASE}/{body['id']}"
    assert response.headers["ETag"] == '"1"'
    assert body["lifecycleStatus"] == "DRAFT"
    assert body["specificationIds"] == body["priceIds"] == body["salesChannels"] == []
    assert body["sagaId"] is None and body["publicationFailureReason"] is None


async def test_a_price_created_a_moment_ago_is_found_by_asking_the_pricing_service(
    client, admin, complete, sql
):
    body = await complete()

    response = await client.post(BASE, json=body, headers=admin)

    assert response.status_code == 201, response.text
    [cached] = await sql("SELECT id FROM known_prices WHERE id = :id", id=body["priceIds"][0])
    assert str(cached["id"]) == body["priceIds"][0]


async def test_a_specification_lookup_with_its_owner_down_is_503_and_writes_nothing(
    client, admin, sql
):
    name = f"Orphan {tag()}"
    response = await client.post(
        BASE, json={"name": name, "specificationIds": [str(uuid.uuid4())]}, headers=admin
    )

    assert_problem(response, 503)
    assert await sql("SELECT 1 FROM offerings WHERE name = :name", name=name) == []


async def test_an_unknown_price_is_400_naming_it(client, admin):
    ghost = str(uuid.uuid4())
    response = await client.post(
        BASE, json={"name": f"Ghost {tag()}", "priceIds": [ghost]}, headers=admin
    )

    problem = assert_problem(response, 400)
    assert fields_of(problem) == {"priceIds"}
    assert ghost in problem["errors"][0]["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Bad!"}, "name"),
        ({"name": "Ok", "salesChannels": ["FAX"]}, "salesChannels"),
        ({"name": "Ok", "priceIds": ["not-a-uuid"]}, "priceIds"),
        ({"name": 7}, "name"),
        ({"name": "Nul\x00byte"}, "name"),
        ({"name": "Ok", "salesChannels": ["ONLINE\x00"]}, "salesChannels"),
        ({}, "name"),
    ],
)
async def test_bad_input_is_400_naming_the_field(client, admin, body, field):
    problem = assert_problem(await client.post(BASE, json=body, headers=admin), 400)
    assert any(f.startswith(field) for f in fields_of(problem)), problem


async def test_reading_needs_a_token_and_writing_needs_admin(client, user):
    assert_problem(await client.get(BASE), 401)
    assert (await client.get(BASE, headers=user)).status_code == 200
    assert_problem(await client.post(BASE, json={"name": f"No {tag()}"}, headers=user), 403)


async def test_merge_patch_and_if_match(client, admin, complete):
    created = (await client.post(BASE, json=await complete(), headers=admin)).json()
    url = f"{BASE}/{created['id']}"

    patched = await client.patch(
        url,
        json={"description": None, "salesChannels": ["PARTNER", "ONLINE"]},
        headers={**admin, **MERGE_PATCH, "If-Match": '"1"'},
    )
    stale = await client.patch(
        url, json={"description": "x"}, headers={**admin, **MERGE_PATCH, "If-Match": '"1"'}
    )
    no_null = await client.patch(url, json={"priceIds": None}, headers={**admin, **MERGE_PATCH})

    assert patched.status_code == 200, patched.text
    assert patched.headers["ETag"] == '"2"'
    assert patched.json()["description"] is None
    assert patched.json()["salesChannels"] == ["PARTNER", "ONLINE"]
    assert patched.json()["priceIds"] == created["priceIds"]
    assert_problem(stale, 412)
    assert fields_of(assert_problem(no_null, 400)) == {"priceIds"}


async def test_publish_is_202_publishing_and_the_event_is_in_the_outbox(
    client, admin, complete, outbox
):
    created = (await client.post(BASE, json=await complete(), headers=admin)).json()

    response = await client.post(f"{BASE}/{created['id']}/publish", headers=admin)

    assert response.status_code == 202, response.text
    assert response.json()["lifecycleStatus"] == "PUBLISHING"
    assert response.headers["ETag"] == '"2"'
    rows = await outbox(created["id"])
    assert [r["routing_key"] for r in rows] == [
        "offering.created",
        "offering.publication_initiated",
    ]


async def test_not_a_draft_means_409_naming_the_state(client, admin, complete):
    created = (await client.post(BASE, json=await complete(), headers=admin)).json()
    url = f"{BASE}/{created['id']}"
    await client.post(f"{url}/publish", headers=admin)

    for response in (
        await client.put(url, json={"name": created["name"]}, headers=admin),
        await client.delete(url, headers=admin),
        await client.post(f"{url}/publish", headers=admin),
        await client.post(f"{url}/retire", headers=admin),
    ):
        assert "PUBLISHING" in assert_problem(response, 409)["detail"]


async def test_idempotency_key_replays_the_first_create(client, admin):
    key = {"Idempotency-Key": f"key-{tag()}"}
    body = {"name": f"Once {tag()}"}

    first = await client.post(BASE, json=body, headers={**admin, **key})
    second = await client.post(BASE, json=body, headers={**admin, **key})

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]


async def test_unknown_offering_is_404(client, admin):
    assert_problem(await client.get(f"{BASE}/{uuid.uuid4()}", headers=admin), 404)
    assert_problem(await client.post(f"{BASE}/{uuid.uuid4()}/publish", headers=admin), 404)


async def test_a_nul_character_in_a_filter_is_400_not_a_database_error(client, user):
    # Postgres text cannot hold NUL: found by fuzzing as a 500 on this very filter.
    response = await client.get(BASE, params={"name": "\u00e2\x00gV"}, headers=user)

    assert fields_of(assert_problem(response, 400)) == {"name"}
