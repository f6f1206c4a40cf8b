"""The specification's saga step against in-memory adapters."""

from __future__ import annotations

import uuid

import pytest

from catalog_chassis.workflow.tasks import BusinessError, ExternalTask
from catalog_testing import saga_task
from specification_service.application.saga_steps import (
    SPECIFICATION_GONE,
    SpecificationSagaSteps,
)

from .test_use_cases import fields


def task(specification_ids) -> ExternalTask:
    return saga_task(
        "validate-specifications", specificationIds=[str(i) for i in specification_ids]
    )


async def test_existing_specifications_pass(service, cached):
    created = await service.create(fields(await cached(1)))

    assert await SpecificationSagaSteps(service).validate_specifications(task([created.id])) is None


async def test_every_missing_specification_is_named(service, cached):
    created = await service.create(fields(await cached(1)))
    gone = [uuid.uuid4(), uuid.uuid4()]

    with pytest.raises(BusinessError) as refused:
        await SpecificationSagaSteps(service).validate_specifications(task([created.id, *gone]))

    assert refused.value.code == SPECIFICATION_GONE
    assert all(str(i) in refused.value.reason for i in gone)
    assert str(created.id) not in refused.value.reason
