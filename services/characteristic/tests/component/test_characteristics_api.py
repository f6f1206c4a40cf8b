"""Every endpoint, status code and problem shape of the characteristics API."""

from __future__ import annotations

import uuid

import pytest

from catalog_testing import assert_problem, fields_of

pytestmark = pytest.mark.component

BASE = "/api/v1/characteristics"


def unique(name: str = "Speed") -> str:
    return f"{name} {uuid.uuid4().hex[:8]}"


def body(name: str | None = None, value: str = "100", unit: str = "Mbps") -> dict:
    return {"name": name or unique(), "value": value, "unitOfMeasure": unit}


async def create(client, admin, **kwargs) -> dict:
    response = await client.post(BASE, json=body(**kwargs), headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


class TestCreate:
    async def test_returns_201_with_location_etag_and_the_camel_case_body(self, client, admin):
        name = unique("Download speed")
        response = await client.post(BASE, json=body(name), headers=admin)
        assert response.status_code == 201
        created = response.json()
        assert response.headers["location"] == f"{BASE}/{created['id']}"
        assert response.headers["etag"] == '"1"'
        assert created["name"] == name and created["unitOfMeasure"] == "Mbps"
        assert created["version"] == 1 and created["createdAt"] and created["updatedAt"]
        uuid.UUID(created["id"])

    async def test_duplicate_name_in_any_case_is_409(self, client, admin):
        name = unique()
        await create(client, admin, name=name)
        response = await client.post(BASE, json=body(name.upper()), headers=admin)
        assert_problem(response, 409)

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"value": "1", "unitOfMeasure": "Mbps"}, "name"),
            ({"name": "", "value": "1", "unitOfMeasure": "Mbps"}, "name"),
            ({"name": "Bad!name", "value": "1", "unitOfMeasure": "Mbps"}, "name"),
            ({"name": "x" * 201, "value": "1", "unitOfMeasure": "Mbps"}, "name"),
            ({"name": "Ok", "unitOfMeasure": "Mbps"}, "value"),
            ({"name": "Ok", "value": "v" * 101, "unitOfMeasure": "Mbps"}, "value"),
            ({"name": "Ok", "value": "1", "unitOfMeasure": "parsecs"}, "unitOfMeasure"),
            ({"name": "Ok", "value": "1"}, "unitOfMeasure"),
            ({"name": 42, "value": "1", "unitOfMeasure": "Mbps"}, "name"),
            ({"name": "Ok", "value": 100, "unitOfMeasure": "Mbps"}, "value"),
            ({"name": "Ok", "value": "1", "unitOfMeasure": ["Mbps"]}, "unitOfMeasure"),
        ],
    )
    async def test_invalid_input_is_400_naming_the_field(self, client, admin, payload, field):
        problem = assert_problem(await client.post(BASE, json=payload, headers=admin), 400)
        assert field in fields_of(problem)

    async def test_malformed_json_is_400(self, client, admin):
        response = await client.post(
            BASE, content=b'{"name": "x",', headers={**admin, "Content-Type": "application/json"}
        )
        assert_problem(response, 400)

    async def test_a_non_object_body_is_400(self, client, admin):
        assert_problem(await client.post(BASE, json=["x"], headers=admin), 400)

    async def test_user_role_is_403_and_anonymous_is_401(self, client, user):
        assert_problem(await client.post(BASE, json=body(), headers=user), 403)
        assert_problem(await client.post(BASE, json=body()), 401)

    async def test_idempotency_key_replays_the_first_response(self, client, admin):
        headers = {**admin, "Idempotency-Key": uuid.uuid4().hex}
        payload = body()
        first = await client.post(BASE, json=payload, headers=headers)
        second = await client.post(BASE, json=payload, headers=headers)
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert first.headers["location"] == second.headers["location"]
        listed = await client.get(BASE, params={"name": payload["name"]}, headers=admin)
        assert listed.json()["total"] == 1


class TestRead:
    async def test_get_returns_it_with_its_etag_for_any_user(self, client, admin, user):
        created = await create(client, admin)
        response = await client.get(f"{BASE}/{created['id']}", headers=user)
        assert response.status_code == 200 and response.json() == created
        assert response.headers["etag"] == '"1"'

    async def test_unknown_id_is_404_and_a_malformed_id_is_400(self, client, user):
        assert_problem(await client.get(f"{BASE}/{uuid.uuid4()}", headers=user), 404)
        problem = assert_problem(await client.get(f"{BASE}/not-a-uuid", headers=user), 400)
        assert "characteristic_id" in fields_of(problem) or "characteristicId" in fields_of(problem)

    async def test_reading_needs_a_token(self, client):
        assert_problem(await client.get(BASE), 401)

    async def test_units_are_listed_for_the_dropdown(self, client, user):
        units = (await client.get(f"{BASE}/units", headers=user)).json()
        assert {"value": "Mbps", "label": "Mbit/s", "category": "Data rate"} in units
        assert any(u["value"] == "None" for u in units)


class TestList:
    async def test_filters_by_name_and_unit_sorts_and_pages(self, client, admin, user):
        tag = uuid.uuid4().hex[:8]
        for name, unit in [("Alpha", "GHz"), ("Beta", "GHz"), ("Gamma", "Mbps")]:
            await create(client, admin, name=f"{name} {tag}", unit=unit)
        response = await client.get(
            BASE,
            params={"name": tag.upper(), "unitOfMeasure": "GHz", "sort": "-name", "limit": 1},
            headers=user,
        )
        assert response.status_code == 200
        page = response.json()
        assert page["total"] == 2 and page["limit"] == 1 and page["offset"] == 0
        assert [c["name"] for c in page["items"]] == [f"Beta {tag}"]
        assert response.headers["x-total-count"] == "2"
        second = await client.get(
            BASE,
            params={"name": tag, "unitOfMeasure": "GHz", "sort": "-name", "limit": 1, "offset": 1},
            headers=user,
        )
        assert [c["name"] for c in second.json()["items"]] == [f"Alpha {tag}"]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"limit": 0}, "limit"),
            ({"limit": 101}, "limit"),
            ({"offset": -1}, "offset"),
            ({"sort": "colour"}, "sort"),
            ({"unitOfMeasure": "parsecs"}, "unitOfMeasure"),
        ],
    )
    async def test_bad_query_parameters_are_400(self, client, user, params, field):
        problem = assert_problem(await client.get(BASE, params=params, headers=user), 400)
        assert field in fields_of(problem)


class TestUpdate:
    async def test_put_with_the_current_etag_updates_and_bumps_the_version(self, client, admin):
        created = await create(client, admin)
        response = await client.put(
            f"{BASE}/{created['id']}",
            json=body(created["name"], value="200"),
            headers={**admin, "If-Match": '"1"'},
        )
        assert response.status_code == 200
        assert response.json()["value"] == "200" and response.json()["version"] == 2
        assert response.headers["etag"] == '"2"'

    async def test_put_with_a_stale_etag_is_412_and_changes_nothing(self, client, admin):
        created = await create(client, admin)
        url = f"{BASE}/{created['id']}"
        await client.put(url, json=body(created["name"], value="2"), headers=admin)
        stale = await client.put(
            url, json=body(created["name"], value="3"), headers={**admin, "If-Match": '"1"'}
        )
        assert_problem(stale, 412)
        assert (await client.get(url, headers=admin)).json()["value"] == "2"

    async def test_put_needs_every_field(self, client, admin):
        created = await create(client, admin)
        problem = assert_problem(
            await client.put(f"{BASE}/{created['id']}", json={"value": "1"}, headers=admin), 400
        )
        assert {"name", "unitOfMeasure"} <= fields_of(problem)

    async def test_put_to_a_taken_name_is_409(self, client, admin):
        first, second = await create(client, admin), await create(client, admin)
        response = await client.put(
            f"{BASE}/{second['id']}", json=body(first["name"]), headers=admin
        )
        assert_problem(response, 409)

    async def test_merge_patch_changes_only_the_given_fields(self, client, admin):
        created = await create(client, admin, unit="GHz")
        response = await client.patch(
            f"{BASE}/{created['id']}",
            content=b'{"value": "5"}',
            headers={**admin, "Content-Type": "application/merge-patch+json", "If-Match": '"1"'},
        )
        assert response.status_code == 200, response.text
        patched = response.json()
        assert (patched["name"], patched["value"], patched["unitOfMeasure"]) == (
            created["name"],
            "5",
            "GHz",
        )

    async def test_merge_patch_cannot_null_a_required_field(self, client, admin):
        created = await create(client, admin)
        response = await client.patch(f"{BASE}/{created['id']}", json={"name": None}, headers=admin)
        assert "name" in fields_of(assert_problem(response, 400))

    async def test_updates_need_the_admin_role(self, client, admin, user):
        created = await create(client, admin)
        url = f"{BASE}/{created['id']}"
        assert_problem(await client.put(url, json=body(), headers=user), 403)
        assert_problem(await client.patch(url, json={"value": "1"}, headers=user), 403)

    async def test_unknown_id_is_404(self, client, admin):
        assert_problem(await client.put(f"{BASE}/{uuid.uuid4()}", json=body(), headers=admin), 404)


class TestDelete:
    async def test_delete_is_204_and_then_404(self, client, admin):
        created = await create(client, admin)
        url = f"{BASE}/{created['id']}"
        response = await client.delete(url, headers={**admin, "If-Match": '"1"'})
        assert response.status_code == 204 and response.content == b""
        assert_problem(await client.get(url, headers=admin), 404)

    async def test_delete_with_a_stale_etag_is_412(self, client, admin):
        created = await create(client, admin)
        response = await client.delete(
            f"{BASE}/{created['id']}", headers={**admin, "If-Match": '"9"'}
        )
        assert_problem(response, 412)

    async def test_delete_needs_the_admin_role(self, client, admin, user):
        created = await create(client, admin)
        assert_problem(await client.delete(f"{BASE}/{created['id']}", headers=user), 403)


async def test_an_offset_beyond_any_page_is_a_400_not_a_server_error(client, user):
    response = await client.get(
        BASE, params={"offset": 23477381696296241332224, "limit": 26}, headers=user
    )
    assert "offset" in fields_of(assert_problem(response, 400))
