"""Every endpoint, status code and problem shape of the prices API."""

from __future__ import annotations

import uuid

import pytest

from catalog_testing import assert_problem, fields_of

pytestmark = pytest.mark.component

BASE = "/api/v1/prices"


def unique(name: str = "Basic") -> str:
    return f"{name} {uuid.uuid4().hex[:8]}"


def body(name=None, value="19.99", unit="per month", currency="EUR") -> dict:
    return {"name": name or unique(), "value": value, "unit": unit, "currency": currency}


async def create(client, admin, **kwargs) -> dict:
    response = await client.post(BASE, json=body(**kwargs), headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


async def post_raw(client, headers, raw: bytes, url: str = BASE):
    return await client.post(
        url, content=raw, headers={**headers, "Content-Type": "application/json"}
    )


class TestCreate:
    async def test_returns_201_with_location_etag_and_the_camel_case_body(self, client, admin):
        name = unique("Fibre 100 (monthly)")
        response = await client.post(BASE, json=body(name, value="20"), headers=admin)
        assert response.status_code == 201
        created = response.json()
        assert response.headers["location"] == f"{BASE}/{created['id']}"
        assert response.headers["etag"] == '"1"'
        assert created["name"] == name and created["value"] == "20.00"
        assert (created["unit"], created["currency"]) == ("per month", "EUR")
        assert created["locked"] is False and created["lockedBySagaId"] is None
        assert created["version"] == 1 and created["createdAt"] and created["updatedAt"]
        uuid.UUID(created["id"])

    @pytest.mark.parametrize(
        ("raw_value", "stored"),
        [
            (b'"19.99"', "19.99"),
            (b"19.99", "19.99"),
            (b"20", "20.00"),
            (b"7.5", "7.50"),
            (b"1e2", "100.00"),
        ],
    )
    async def test_value_may_be_a_string_or_an_exact_json_number(
        self, client, admin, raw_value, stored
    ):
        raw = (
            b'{"name": "'
            + unique().encode()
            + b'", "value": '
            + raw_value
            + b', "unit": "per month", "currency": "USD"}'
        )
        response = await post_raw(client, admin, raw)
        assert response.status_code == 201, response.text
        assert response.json()["value"] == stored

    @pytest.mark.parametrize(
        "raw_value",
        [
            b'"19.999"',
            b"19.999",
            b"19.999999999999999999",
            b'"0"',
            b"0",
            b"0.00",
            b'"-5"',
            b"-5",
            b"-0.01",
            b'"abc"',
            b'""',
            b"true",
            b"null",
            b"[1]",
            b'{"amount": 1}',
            b"NaN",
            b"Infinity",
            b"-Infinity",
            b'"NaN"',
            b'"1,50"',
            b"10000000000",
        ],
    )
    async def test_a_value_that_is_not_an_exact_positive_amount_is_400_naming_value(
        self, client, admin, raw_value
    ):
        raw = (
            b'{"name": "'
            + unique().encode()
            + b'", "value": '
            + raw_value
            + b', "unit": "per month", "currency": "USD"}'
        )
        problem = assert_problem(await post_raw(client, admin, raw), 400)
        assert fields_of(problem) == {"value"}

    @pytest.mark.parametrize("currency", ["GBP", "usd", "", "EURO", 978, None])
    async def test_an_unknown_currency_is_400_naming_currency(self, client, admin, currency):
        problem = assert_problem(
            await client.post(BASE, json=body(currency=currency), headers=admin), 400
        )
        assert fields_of(problem) == {"currency"}

    async def test_duplicate_name_in_any_case_is_409(self, client, admin):
        name = unique()
        await create(client, admin, name=name)
        response = await client.post(BASE, json=body(name.upper()), headers=admin)
        assert "already exists" in assert_problem(response, 409)["detail"]

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"value": "1", "unit": "per month", "currency": "EUR"}, "name"),
            ({"name": "", "value": "1", "unit": "per month", "currency": "EUR"}, "name"),
            ({"name": "Bad<name>", "value": "1", "unit": "per month", "currency": "EUR"}, "name"),
            ({"name": "x" * 201, "value": "1", "unit": "per month", "currency": "EUR"}, "name"),
            ({"name": 42, "value": "1", "unit": "per month", "currency": "EUR"}, "name"),
            ({"name": "Ok", "unit": "per month", "currency": "EUR"}, "value"),
            ({"name": "Ok", "value": "1", "currency": "EUR"}, "unit"),
            ({"name": "Ok", "value": "1", "unit": "", "currency": "EUR"}, "unit"),
            ({"name": "Ok", "value": "1", "unit": "u" * 51, "currency": "EUR"}, "unit"),
            ({"name": "Ok", "value": "1", "unit": ["per month"], "currency": "EUR"}, "unit"),
            ({"name": "Ok", "value": "1", "unit": "per month"}, "currency"),
        ],
    )
    async def test_invalid_input_is_400_naming_the_field(self, client, admin, payload, field):
        problem = assert_problem(await client.post(BASE, json=payload, headers=admin), 400)
        assert field in fields_of(problem)

    async def test_every_invalid_field_is_reported_at_once(self, client, admin):
        payload = {"name": "", "value": "0", "unit": "", "currency": "GBP"}
        problem = assert_problem(await client.post(BASE, json=payload, headers=admin), 400)
        assert fields_of(problem) == {"name", "value", "unit", "currency"}

    async def test_malformed_json_is_400(self, client, admin):
        assert_problem(await post_raw(client, admin, b'{"name": "x",'), 400)

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
        assert second.headers["idempotent-replayed"] == "true"
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
        assert fields_of(problem) & {"price_id", "priceId"}

    async def test_reading_needs_a_token(self, client):
        assert_problem(await client.get(BASE), 401)


class TestList:
    async def test_filters_by_name_currency_and_lock_sorts_and_pages(self, client, admin, user):
        tag = uuid.uuid4().hex[:8]
        prices = {}
        for name, value, currency in [
            ("Alpha", "30", "EUR"),
            ("Beta", "10", "EUR"),
            ("Gamma", "20", "EUR"),
            ("Delta", "5", "USD"),
        ]:
            prices[name] = await create(
                client, admin, name=f"{name} {tag}", value=value, currency=currency
            )
        saga = {"sagaId": str(uuid.uuid4())}
        await client.post(f"{BASE}/{prices['Gamma']['id']}/lock", json=saga, headers=admin)

        response = await client.get(
            BASE,
            params={"name": tag.upper(), "currency": "EUR", "sort": "-value", "limit": 2},
            headers=user,
        )
        assert response.status_code == 200
        page = response.json()
        assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
        assert response.headers["x-total-count"] == "3"
        assert [p["name"] for p in page["items"]] == [f"Alpha {tag}", f"Gamma {tag}"]

        second = await client.get(
            BASE,
            params={"name": tag, "currency": "EUR", "sort": "-value", "offset": 2},
            headers=user,
        )
        assert [p["name"] for p in second.json()["items"]] == [f"Beta {tag}"]

        locked = await client.get(BASE, params={"name": tag, "locked": "true"}, headers=user)
        assert [p["name"] for p in locked.json()["items"]] == [f"Gamma {tag}"]
        unlocked = await client.get(
            BASE, params={"name": tag, "locked": "false", "sort": "name"}, headers=user
        )
        assert [p["name"] for p in unlocked.json()["items"]] == [
            f"Alpha {tag}",
            f"Beta {tag}",
            f"Delta {tag}",
        ]
        by_creation = await client.get(
            BASE, params={"name": tag, "sort": "-createdAt"}, headers=user
        )
        assert [p["name"] for p in by_creation.json()["items"]] == [
            f"Delta {tag}",
            f"Gamma {tag}",
            f"Beta {tag}",
            f"Alpha {tag}",
        ]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"limit": 0}, "limit"),
            ({"limit": 101}, "limit"),
            ({"offset": -1}, "offset"),
            ({"sort": "colour"}, "sort"),
            ({"sort": "unit"}, "sort"),
            ({"currency": "GBP"}, "currency"),
            ({"locked": "maybe"}, "locked"),
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
            json=body(created["name"], value=24.5, currency="TRY"),
            headers={**admin, "If-Match": '"1"'},
        )
        assert response.status_code == 200, response.text
        updated = response.json()
        assert (updated["value"], updated["currency"], updated["version"]) == ("24.50", "TRY", 2)
        assert response.headers["etag"] == '"2"'

    async def test_put_with_a_stale_etag_is_412_and_changes_nothing(self, client, admin):
        created = await create(client, admin)
        url = f"{BASE}/{created['id']}"
        await client.put(url, json=body(created["name"], value="2"), headers=admin)
        stale = await client.put(
            url, json=body(created["name"], value="3"), headers={**admin, "If-Match": '"1"'}
        )
        assert_problem(stale, 412)
        assert (await client.get(url, headers=admin)).json()["value"] == "2.00"

    async def test_put_needs_every_field(self, client, admin):
        created = await create(client, admin)
        problem = assert_problem(
            await client.put(f"{BASE}/{created['id']}", json={"value": "1"}, headers=admin), 400
        )
        assert {"name", "unit", "currency"} <= fields_of(problem)

    async def test_put_with_an_invalid_value_is_400(self, client, admin):
        created = await create(client, admin)
        response = await client.put(
            f"{BASE}/{created['id']}", json=body(created["name"], value="1.001"), headers=admin
        )
        assert fields_of(assert_problem(response, 400)) == {"value"}

    async def test_put_to_a_taken_name_is_409(self, client, admin):
        first, second = await create(client, admin), await create(client, admin)
        response = await client.put(
            f"{BASE}/{second['id']}", json=body(first["name"]), headers=admin
        )
        assert_problem(response, 409)

    async def test_merge_patch_changes_only_the_given_fields(self, client, admin):
        created = await create(client, admin, currency="USD")
        response = await client.patch(
            f"{BASE}/{created['id']}",
            content=b'{"value": 5}',
            headers={**admin, "Content-Type": "application/merge-patch+json", "If-Match": '"1"'},
        )
        assert response.status_code == 200, response.text
        patched = response.json()
        assert (patched["name"], patched["value"], patched["unit"], patched["currency"]) == (
            created["name"],
            "5.00",
            "per month",
            "USD",
        )
        assert response.headers["etag"] == '"2"'

    @pytest.mark.parametrize(
        ("patch", "field"),
        [
            ({"name": None}, "name"),
            ({"value": None}, "value"),
            ({"value": "0"}, "value"),
            ({"value": "1.234"}, "value"),
            ({"currency": "JPY"}, "currency"),
            ({"unit": 5}, "unit"),
        ],
    )
    async def test_merge_patch_refuses_nulls_and_invalid_values(self, client, admin, patch, field):
        created = await create(client, admin)
        response = await client.patch(f"{BASE}/{created['id']}", json=patch, headers=admin)
        assert field in fields_of(assert_problem(response, 400))

    async def test_merge_patch_with_a_stale_etag_is_412(self, client, admin):
        created = await create(client, admin)
        response = await client.patch(
            f"{BASE}/{created['id']}", json={"value": "1"}, headers={**admin, "If-Match": '"5"'}
        )
        assert_problem(response, 412)

    async def test_updates_need_the_admin_role(self, client, admin, user):
        created = await create(client, admin)
        url = f"{BASE}/{created['id']}"
        assert_problem(await client.put(url, json=body(), headers=user), 403)
        assert_problem(await client.patch(url, json={"value": "1"}, headers=user), 403)

    async def test_unknown_id_is_404(self, client, admin):
        assert_problem(await client.put(f"{BASE}/{uuid.uuid4()}", json=body(), headers=admin), 404)
        assert_problem(
            await client.patch(f"{BASE}/{uuid.uuid4()}", json={"value": "1"}, headers=admin), 404
        )


class TestDelete:
    async def test_delete_is_204_and_then_404(self, client, admin):
        created = await create(client, admin)
        url = f"{BASE}/{created['id']}"
        response = await client.delete(url, headers={**admin, "If-Match": '"1"'})
        assert response.status_code == 204 and response.content == b""
        assert_problem(await client.get(url, headers=admin), 404)
        assert_problem(await client.delete(url, headers=admin), 404)

    async def test_delete_with_a_stale_etag_is_412(self, client, admin):
        created = await create(client, admin)
        response = await client.delete(
            f"{BASE}/{created['id']}", headers={**admin, "If-Match": '"9"'}
        )
        assert_problem(response, 412)

    async def test_delete_needs_the_admin_role(self, client, admin, user):
        created = await create(client, admin)
        assert_problem(await client.delete(f"{BASE}/{created['id']}", headers=user), 403)


class TestLocking:
    async def test_lock_blocks_update_and_delete_with_423_until_unlocked(self, client, admin):
        created = await create(client, admin)
        url = f"{BASE}/{created['id']}"
        saga = str(uuid.uuid4())

        locked = await client.post(f"{url}/lock", json={"sagaId": saga}, headers=admin)
        assert locked.status_code == 200, locked.text
        assert locked.json()["locked"] is True and locked.json()["lockedBySagaId"] == saga
        assert locked.json()["version"] == 2 and locked.headers["etag"] == '"2"'

        for refused in (
            await client.put(url, json=body(created["name"], value="1"), headers=admin),
            await client.patch(url, json={"value": "1"}, headers=admin),
            await client.delete(url, headers=admin),
        ):
            assert saga in assert_problem(refused, 423)["detail"]
        assert (await client.get(url, headers=admin)).json()["value"] == "19.99"

        unlocked = await client.post(f"{url}/unlock", json={"sagaId": saga}, headers=admin)
        assert unlocked.status_code == 200
        assert unlocked.json()["locked"] is False and unlocked.json()["lockedBySagaId"] is None
        assert unlocked.json()["version"] == 3 and unlocked.headers["etag"] == '"3"'

        deleted = await client.delete(url, headers={**admin, "If-Match": '"3"'})
        assert deleted.status_code == 204

    async def test_locking_again_by_the_same_saga_is_200_without_a_new_version(self, client, admin):
        created = await create(client, admin)
        url = f"{BASE}/{created['id']}/lock"
        saga = {"sagaId": str(uuid.uuid4())}
        first = await client.post(url, json=saga, headers=admin)
        again = await client.post(url, json=saga, headers=admin)
        assert first.status_code == again.status_code == 200
        assert again.json() == first.json() and again.headers["etag"] == '"2"'

    async def test_another_saga_can_neither_lock_nor_unlock_it(self, client, admin):
        created = await create(client, admin)
        url = f"{BASE}/{created['id']}"
        saga, intruder = str(uuid.uuid4()), str(uuid.uuid4())
        await client.post(f"{url}/lock", json={"sagaId": saga}, headers=admin)
        lock = await client.post(f"{url}/lock", json={"sagaId": intruder}, headers=admin)
        assert saga in assert_problem(lock, 409)["detail"]
        unlock = await client.post(f"{url}/unlock", json={"sagaId": intruder}, headers=admin)
        assert_problem(unlock, 409)
        current = (await client.get(url, headers=admin)).json()
        assert current["lockedBySagaId"] == saga and current["version"] == 2

    async def test_unlocking_an_unlocked_price_is_200_and_changes_nothing(self, client, admin):
        created = await create(client, admin)
        response = await client.post(
            f"{BASE}/{created['id']}/unlock", json={"sagaId": str(uuid.uuid4())}, headers=admin
        )
        assert response.status_code == 200 and response.json() == created
        assert response.headers["etag"] == '"1"'

    @pytest.mark.parametrize(
        "payload", [{}, {"sagaId": "not-a-uuid"}, {"sagaId": None}, {"sagaId": 12}]
    )
    async def test_the_saga_id_must_be_a_uuid(self, client, admin, payload):
        created = await create(client, admin)
        for action in ("lock", "unlock"):
            response = await client.post(
                f"{BASE}/{created['id']}/{action}", json=payload, headers=admin
            )
            assert "sagaId" in fields_of(assert_problem(response, 400))

    async def test_lock_and_unlock_need_the_admin_role_and_a_known_price(self, client, admin, user):
        created = await create(client, admin)
        saga = {"sagaId": str(uuid.uuid4())}
        for action in ("lock", "unlock"):
            url = f"{BASE}/{created['id']}/{action}"
            assert_problem(await client.post(url, json=saga, headers=user), 403)
            assert_problem(await client.post(url, json=saga), 401)
            unknown = f"{BASE}/{uuid.uuid4()}/{action}"
            assert_problem(await client.post(unknown, json=saga, headers=admin), 404)
