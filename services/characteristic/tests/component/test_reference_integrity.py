"""A characteristic that specifications use cannot be deleted (409 naming them); once
none uses it, it can. The usages come from specification events through the real broker."""

from __future__ import annotations

import uuid

import pytest

from specification_service.domain.model import SpecificationContent

pytestmark = [pytest.mark.component, pytest.mark.usefixtures("tracking_usages")]

BASE = "/api/v1/characteristics"


async def create(client, admin) -> dict:
    response = await client.post(
        BASE,
        json={"name": f"Speed {uuid.uuid4().hex[:8]}", "value": "1", "unitOfMeasure": "Mbps"},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_delete_is_refused_while_specifications_use_it_and_works_after(
    client, admin, new_specification, events_of, deliver
):
    speed, latency = await create(client, admin), await create(client, admin)
    home = new_specification(speed["id"], latency["id"], name=f"Home {uuid.uuid4().hex[:6]}")
    pro = new_specification(speed["id"], name=f"Pro {uuid.uuid4().hex[:6]}")
    for spec in (home, pro):
        [created] = events_of(spec)
        await deliver(created)

    refused = await client.delete(f"{BASE}/{speed['id']}", headers=admin)
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["status"] == 409 and problem["correlationId"]
    for spec in (home, pro):
        assert f"'{spec.name}' ({spec.id})" in problem["detail"]
    assert (await client.get(f"{BASE}/{speed['id']}", headers=admin)).status_code == 200

    # "Pro" is deleted and "Home" drops speed: nobody uses it any more.
    pro.delete()
    [pro_deleted] = events_of(pro)
    await deliver(pro_deleted)
    home.update(
        SpecificationContent.validated(
            name=home.name, description=None, characteristic_ids=[uuid.UUID(latency["id"])]
        )
    )
    [home_updated] = events_of(home)
    await deliver(home_updated)

    assert (await client.delete(f"{BASE}/{speed['id']}", headers=admin)).status_code == 204
    still_used = await client.delete(f"{BASE}/{latency['id']}", headers=admin)
    assert still_used.status_code == 409 and home.name in still_used.json()["detail"]
