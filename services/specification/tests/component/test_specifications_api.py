"""Every endpoint, status code and problem shape of the specifications API."""

from __future__ import annotations

import uuid

import pytest
from aiobreaker import CircuitBreakerState

from catalog_testing import assert_problem, fields_of

pytestmark = pytest.mark.component

BASE = "/api/v1/specifications"


def unique(name: str = "Fibre") -> str:
    return f"{name} {uuid.uuid4().hex[:8]}"


@pytest.fixture
async def characteristic_ids(new_characteristic) -> list[str]:
    """Two characteristics of the real characteristic service."""
    return [(await new_characteristic())["id"], (await new_characteristic())["id"]]


@pytest.fixture
def create(client, admin, characteristic_ids):
    async def create_specification(**overrides) -> dict:
        payload = {"name": unique(), "characteristicIds": characteristic_ids[:1], **overrides}
        response = await client.post(BASE, json=payload, headers=admin)
        assert response.status_code == 201, response.text
        return response.json()

    return create_specification


class TestCreate:
    async def test_returns_201_with_location_etag_and_the_camel_case_body(
        self, client, admin, characteristic_ids
    ):
        first, second = characteristic_ids
        name = unique("Fibre home")
        response = await client.post(
            BASE,
            json={
                "name": name,
                "description": "Home fibre",
                "characteristicIds": [second, first, second],
            },
            headers=admin,
        )
        assert response.status_code == 201, response.text
        created = response.json()
        assert response.headers["location"] == f"{BASE}/{created['id']}"
        assert response.headers["etag"] == '"1"'
        assert set(created) == {
            "id",
            "name",
            "description",
            "characteristicIds",
            "version",
            "createdAt",
            "updatedAt",
        }
        assert created["name"] == name and created["description"] == "Home fibre"
        assert created["characteristicIds"] == [second, first]
        assert created["version"] == 1 and created["createdAt"] and created["updatedAt"]

    async def test_without_description_it_is_null(self, create):
        assert (await create())["description"] is None

    async def test_a_characteristic_created_a_moment_ago_is_looked_up_and_cached(
        self, client, admin, new_characteristic, sql
    ):
        # No consumer runs here: the cache can only learn of it from the lookup, which
        # passes the caller's token on (the characteristic API refuses anonymous calls).
        fresh = await new_characteristic(value="250", unit="Gbps")
        assert (
            await sql(
                "SELECT id FROM cached_characteristics WHERE id = :id", id=uuid.UUID(fresh["id"])
            )
            == []
        )
        response = await client.post(
            BASE, json={"name": unique(), "characteristicIds": [fresh["id"]]}, headers=admin
        )
        assert response.status_code == 201, response.text
        [row] = await sql(
            "SELECT name, value, unit_of_measure, version FROM cached_characteristics "
            "WHERE id = :id",
            id=uuid.UUID(fresh["id"]),
        )
        assert row == {
            "name": fresh["name"],
            "value": "250",
            "unit_of_measure": "Gbps",
            "version": 1,
        }

    async def test_unknown_characteristics_are_400_naming_them(
        self, client, admin, characteristic_ids
    ):
        missing = [str(uuid.uuid4()), str(uuid.uuid4())]
        response = await client.post(
            BASE,
            json={
                "name": unique(),
                "characteristicIds": [missing[0], *characteristic_ids, missing[1]],
            },
            headers=admin,
        )
        problem = assert_problem(response, 400)
        [error] = problem["errors"]
        assert error["field"] == "characteristicIds"
        assert error["message"] == f"unknown characteristics: {missing[0]}, {missing[1]}"

    async def test_duplicate_name_in_any_case_is_409(
        self, client, admin, create, characteristic_ids
    ):
        name = unique()
        await create(name=name)
        response = await client.post(
            BASE,
            json={"name": name.upper(), "characteristicIds": characteristic_ids},
            headers=admin,
        )
        assert_problem(response, 409)

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"characteristicIds": ["ID"]}, "name"),
            ({"name": "", "characteristicIds": ["ID"]}, "name"),
            ({"name": "Bad!name", "characteristicIds": ["ID"]}, "name"),
            ({"name": "x" * 201, "characteristicIds": ["ID"]}, "name"),
            ({"name": 42, "characteristicIds": ["ID"]}, "name"),
            ({"name": "Ok", "description": "d" * 2001, "characteristicIds": ["ID"]}, "description"),
            ({"name": "Ok", "description": 7, "characteristicIds": ["ID"]}, "description"),
            ({"name": "Ok"}, "characteristicIds"),
            ({"name": "Ok", "characteristicIds": []}, "characteristicIds"),
            ({"name": "Ok", "characteristicIds": "ID"}, "characteristicIds"),
            ({"name": "Ok", "characteristicIds": ["not-a-uuid"]}, "characteristicIds.0"),
            ({"name": "Ok", "characteristicIds": [42]}, "characteristicIds.0"),
        ],
    )
    async def test_invalid_input_is_400_naming_the_field(
        self, client, admin, characteristic_ids, payload, field
    ):
        # "ID" stands for an existing characteristic: only the named field is wrong.
        ids = payload.get("characteristicIds")
        if isinstance(ids, list):
            payload = {
                **payload,
                "characteristicIds": [characteristic_ids[0] if i == "ID" else i for i in ids],
            }
        elif ids == "ID":
            payload = {**payload, "characteristicIds": characteristic_ids[0]}
        problem = assert_problem(await client.post(BASE, json=payload, headers=admin), 400)
        assert field in fields_of(problem)

    async def test_every_invalid_field_is_named_at_once(self, client, admin):
        response = await client.post(
            BASE,
            json={"name": "", "description": "d" * 2001, "characteristicIds": []},
            headers=admin,
        )
        assert fields_of(assert_problem(response, 400)) == {
            "name",
            "description",
            "characteristicIds",
        }

    async def test_malformed_json_is_400(self, client, admin):
        response = await client.post(
            BASE, content=b'{"name": "x",', headers={**admin, "Content-Type": "application/json"}
        )
        assert "body" in fields_of(assert_problem(response, 400))

    async def test_a_non_object_body_is_400(self, client, admin):
        assert_problem(await client.post(BASE, json=["x"], headers=admin), 400)

    async def test_user_role_is_403_and_anonymous_is_401(self, client, user, characteristic_ids):
        payload = {"name": unique(), "characteristicIds": characteristic_ids}
        assert_problem(await client.post(BASE, json=payload, headers=user), 403)
        assert_problem(await client.post(BASE, json=payload), 401)

    async def test_idempotency_key_replays_the_first_response(
        self, client, admin, characteristic_ids
    ):
        headers = {**admin, "Idempotency-Key": uuid.uuid4().hex}
        payload = {"name": unique(), "characteristicIds": characteristic_ids}
        first = await client.post(BASE, json=payload, headers=headers)
        second = await client.post(BASE, json=payload, headers=headers)
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert second.headers["idempotent-replayed"] == "true"
        assert first.headers["location"] == second.headers["location"]
        listed = await client.get(BASE, params={"name": payload["name"]}, headers=admin)
        assert listed.json()["total"] == 1


class TestRead:
    async def test_get_returns_it_with_its_etag_for_any_user(self, client, user, create):
        created = await create()
        response = await client.get(f"{BASE}/{created['id']}", headers=user)
        assert response.status_code == 200 and response.json() == created
        assert response.headers["etag"] == '"1"'

    async def test_unknown_id_is_404_and_a_malformed_id_is_400(self, client, user):
        assert_problem(await client.get(f"{BASE}/{uuid.uuid4()}", headers=user), 404)
        problem = assert_problem(await client.get(f"{BASE}/not-a-uuid", headers=user), 400)
        assert "specification_id" in fields_of(problem)

    async def test_reading_needs_a_token(self, client):
        assert_problem(await client.get(BASE), 401)


class TestList:
    async def test_filters_by_name_and_characteristic_sorts_and_pages(
        self, client, user, create, characteristic_ids
    ):
        tag = uuid.uuid4().hex[:8]
        first, second = characteristic_ids
        await create(name=f"Alpha {tag}", characteristicIds=[first, second])
        await create(name=f"Beta {tag}", characteristicIds=[second])
        await create(name=f"Gamma {tag}", characteristicIds=[first])
        params = {"name": tag.upper(), "characteristicId": second, "sort": "-name", "limit": 1}
        response = await client.get(BASE, params=params, headers=user)
        assert response.status_code == 200
        page = response.json()
        assert page["total"] == 2 and page["limit"] == 1 and page["offset"] == 0
        assert [s["name"] for s in page["items"]] == [f"Beta {tag}"]
        assert response.headers["x-total-count"] == "2"
        second_page = await client.get(BASE, params={**params, "offset": 1}, headers=user)
        assert [s["name"] for s in second_page.json()["items"]] == [f"Alpha {tag}"]

    async def test_sorts_by_creation_time(self, client, user, create):
        tag = uuid.uuid4().hex[:8]
        for name in ("Zulu", "Yankee"):
            await create(name=f"{name} {tag}")
        response = await client.get(BASE, params={"name": tag, "sort": "createdAt"}, headers=user)
        assert [s["name"] for s in response.json()["items"]] == [f"Zulu {tag}", f"Yankee {tag}"]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"limit": 0}, "limit"),
            ({"limit": 101}, "limit"),
            ({"offset": -1}, "offset"),
            ({"sort": "colour"}, "sort"),
            ({"characteristicId": "nope"}, "characteristicId"),
        ],
    )
    async def test_bad_query_parameters_are_400(self, client, user, params, field):
        problem = assert_problem(await client.get(BASE, params=params, headers=user), 400)
        assert field in fields_of(problem)


class TestUpdate:
    async def test_put_with_the_current_etag_updates_and_bumps_the_version(
        self, client, admin, create, characteristic_ids
    ):
        created = await create()
        response = await client.put(
            f"{BASE}/{created['id']}",
            json={
                "name": created["name"],
                "description": "Now described",
                "characteristicIds": characteristic_ids,
            },
            headers={**admin, "If-Match": '"1"'},
        )
        assert response.status_code == 200, response.text
        updated = response.json()
        assert updated["version"] == 2 and updated["description"] == "Now described"
        assert updated["characteristicIds"] == characteristic_ids
        assert response.headers["etag"] == '"2"'

    async def test_put_with_a_stale_etag_is_412_and_changes_nothing(self, client, admin, create):
        created = await create()
        url = f"{BASE}/{created['id']}"
        body = {"name": created["name"], "characteristicIds": created["characteristicIds"]}
        await client.put(url, json={**body, "description": "2"}, headers=admin)
        stale = await client.put(
            url, json={**body, "description": "3"}, headers={**admin, "If-Match": '"1"'}
        )
        assert_problem(stale, 412)
        assert (await client.get(url, headers=admin)).json()["description"] == "2"

    async def test_put_needs_the_required_fields(self, client, admin, create):
        created = await create()
        response = await client.put(
            f"{BASE}/{created['id']}", json={"description": "x"}, headers=admin
        )
        assert {"name", "characteristicIds"} <= fields_of(assert_problem(response, 400))

    async def test_put_to_a_taken_name_is_409(self, client, admin, create):
        first, second = await create(), await create()
        response = await client.put(
            f"{BASE}/{second['id']}",
            json={"name": first["name"], "characteristicIds": second["characteristicIds"]},
            headers=admin,
        )
        assert_problem(response, 409)

    async def test_put_adding_an_unknown_characteristic_is_400(self, client, admin, create):
        created = await create()
        missing = str(uuid.uuid4())
        response = await client.put(
            f"{BASE}/{created['id']}",
            json={
                "name": created["name"],
                "characteristicIds": [*created["characteristicIds"], missing],
            },
            headers=admin,
        )
        problem = assert_problem(response, 400)
        assert problem["errors"] == [
            {"field": "characteristicIds", "message": f"unknown characteristics: {missing}"}
        ]

    async def test_merge_patch_changes_only_the_given_fields(self, client, admin, create):
        created = await create(description="Keep me")
        response = await client.patch(
            f"{BASE}/{created['id']}",
            content=f'{{"name": "{created["name"]} v2"}}'.encode(),
            headers={**admin, "Content-Type": "application/merge-patch+json", "If-Match": '"1"'},
        )
        assert response.status_code == 200, response.text
        patched = response.json()
        assert patched["name"] == f"{created['name']} v2"
        assert (patched["description"], patched["characteristicIds"]) == (
            "Keep me",
            created["characteristicIds"],
        )

    async def test_merge_patch_null_removes_the_description(self, client, admin, create):
        created = await create(description="Go away")
        response = await client.patch(
            f"{BASE}/{created['id']}", json={"description": None}, headers=admin
        )
        assert response.status_code == 200 and response.json()["description"] is None

    async def test_merge_patch_replaces_the_characteristic_list(
        self, client, admin, create, characteristic_ids
    ):
        created = await create()
        response = await client.patch(
            f"{BASE}/{created['id']}",
            json={"characteristicIds": list(reversed(characteristic_ids))},
            headers=admin,
        )
        assert response.json()["characteristicIds"] == list(reversed(characteristic_ids))

    @pytest.mark.parametrize(
        ("patch", "field"),
        [
            ({"name": None}, "name"),
            ({"characteristicIds": None}, "characteristicIds"),
            ({"characteristicIds": []}, "characteristicIds"),
            ({"description": 5}, "description"),
        ],
    )
    async def test_merge_patch_refuses_invalid_values(self, client, admin, create, patch, field):
        created = await create()
        response = await client.patch(f"{BASE}/{created['id']}", json=patch, headers=admin)
        assert field in fields_of(assert_problem(response, 400))

    async def test_updates_need_the_admin_role(self, client, user, create):
        created = await create()
        url = f"{BASE}/{created['id']}"
        body = {"name": unique(), "characteristicIds": created["characteristicIds"]}
        assert_problem(await client.put(url, json=body, headers=user), 403)
        assert_problem(await client.patch(url, json={"description": "x"}, headers=user), 403)

    async def test_unknown_id_is_404(self, client, admin, characteristic_ids):
        body = {"name": unique(), "characteristicIds": characteristic_ids}
        assert_problem(await client.put(f"{BASE}/{uuid.uuid4()}", json=body, headers=admin), 404)
        assert_problem(
            await client.patch(f"{BASE}/{uuid.uuid4()}", json={"description": "x"}, headers=admin),
            404,
        )


class TestDelete:
    async def test_delete_is_204_and_then_404(self, client, admin, create):
        created = await create()
        url = f"{BASE}/{created['id']}"
        response = await client.delete(url, headers={**admin, "If-Match": '"1"'})
        assert response.status_code == 204 and response.content == b""
        assert_problem(await client.get(url, headers=admin), 404)

    async def test_delete_with_a_stale_etag_is_412(self, client, admin, create):
        created = await create()
        response = await client.delete(
            f"{BASE}/{created['id']}", headers={**admin, "If-Match": '"9"'}
        )
        assert_problem(response, 412)

    async def test_delete_needs_the_admin_role(self, client, user, create):
        created = await create()
        assert_problem(await client.delete(f"{BASE}/{created['id']}", headers=user), 403)

    async def test_a_specification_used_by_an_offering_cannot_be_deleted_until_released(
        self, client, admin, create, sql
    ):
        created = await create()
        offering_id = uuid.uuid4()
        # What the offering-event consumer will write once offerings exist.
        await sql(
            "INSERT INTO specification_usages (specification_id, offering_id, offering_name) "
            "VALUES (:s, :o, 'Fibre deal')",
            s=uuid.UUID(created["id"]),
            o=offering_id,
        )
        url = f"{BASE}/{created['id']}"
        problem = assert_problem(await client.delete(url, headers=admin), 409)
        assert "'Fibre deal'" in problem["detail"] and str(offering_id) in problem["detail"]
        await sql("DELETE FROM specification_usages WHERE offering_id = :o", o=offering_id)
        assert (await client.delete(url, headers=admin)).status_code == 204


class TestWhenTheCharacteristicServiceIsDown:
    async def test_an_uncached_characteristic_is_503(self, client_without_characteristics, admin):
        response = await client_without_characteristics.post(
            BASE,
            json={"name": unique(), "characteristicIds": [str(uuid.uuid4())]},
            headers=admin,
        )
        problem = assert_problem(response, 503)
        assert "characteristic" in problem["detail"]

    async def test_cached_characteristics_need_no_lookup(
        self, client, client_without_characteristics, admin, create
    ):
        cached = (await create())["characteristicIds"]  # the lookup cached it
        response = await client_without_characteristics.post(
            BASE, json={"name": unique(), "characteristicIds": cached}, headers=admin
        )
        assert response.status_code == 201, response.text

    async def test_repeated_failures_open_the_circuit_which_then_fails_fast(
        self, client_without_characteristics, admin, characteristic_breaker
    ):
        async def attempt() -> dict:
            response = await client_without_characteristics.post(
                BASE,
                json={"name": unique(), "characteristicIds": [str(uuid.uuid4())]},
                headers=admin,
            )
            return assert_problem(response, 503)

        details = [(await attempt())["detail"] for _ in range(3)]
        assert "circuit open" not in details[0]
        assert characteristic_breaker.current_state == CircuitBreakerState.OPEN
        assert "circuit open" in (await attempt())["detail"]
