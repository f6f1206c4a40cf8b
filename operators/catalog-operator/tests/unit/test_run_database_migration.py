"""The DatabaseMigration handler against a fake Kubernetes API."""

from __future__ import annotations

import asyncio
from typing import Any

import kopf
import pytest

from catalog_operator.config import OperatorConfig
from catalog_operator.handlers.handle_run_database_migration import run_database_migration
from catalog_operator.locks import DatabaseLocks

NAMESPACE = "catalog"


def migration(name: str = "pricing", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "catalog.example/v1alpha1",
        "kind": "DatabaseMigration",
        "metadata": {"name": name, "namespace": NAMESPACE, "uid": f"uid-{name}", "generation": 1},
        "spec": {"service": "pricing", "image": "pricing:0.1.0", **spec},
    }


class Harness:
    def __init__(
        self, kubernetes: Any, locks: DatabaseLocks, recorder: Any, config: OperatorConfig
    ):
        self.kubernetes = kubernetes
        self.locks = locks
        self.recorder = recorder
        self.config = config

    async def run(self, body: dict[str, Any]) -> dict[str, Any]:
        status: dict[str, Any] = {}
        try:
            await run_database_migration(
                body,
                status,
                kubernetes=self.kubernetes,
                locks=self.locks,
                recorder=self.recorder,
                config=self.config,
            )
        finally:
            body["status"] = {**body.get("status", {}), **status}
        return status

    async def run_until_waiting(self, body: dict[str, Any]) -> kopf.TemporaryError:
        with pytest.raises(kopf.TemporaryError) as raised:
            await self.run(body)
        return raised.value


def conditions_of(status: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {c["type"]: (c["status"], c["reason"]) for c in status["conditions"]}


@pytest.fixture
def harness(
    kubernetes: Any, locks: DatabaseLocks, recorder: Any, config: OperatorConfig
) -> Harness:
    return Harness(kubernetes, locks, recorder, config)


async def test_creates_the_job_and_waits_for_it(
    harness: Harness, kubernetes: Any, config: OperatorConfig
) -> None:
    body = migration()

    waiting = await harness.run_until_waiting(body)

    (name,) = kubernetes.created
    assert waiting.delay == config.job_poll_delay
    assert body["status"]["jobName"] == name
    assert conditions_of(body["status"])["Progressing"] == ("True", "MigrationRunning")
    assert harness.recorder.reasons == ["MigrationStarted"]


async def test_a_repeat_while_the_job_runs_creates_no_second_job(
    harness: Harness, kubernetes: Any
) -> None:
    body = migration()
    await harness.run_until_waiting(body)

    await harness.run_until_waiting(body)

    assert len(kubernetes.created) == 1
    assert harness.recorder.reasons == ["MigrationStarted"]


async def test_a_job_that_exists_already_is_not_an_error(harness: Harness, kubernetes: Any) -> None:
    body = migration()
    await harness.run_until_waiting(body)
    # The operator restarted before it recorded anything: the Job is found, not recreated.
    body.pop("status")

    await harness.run_until_waiting(body)

    assert len(kubernetes.created) == 1


async def test_records_the_applied_revision_when_the_job_completes(
    harness: Harness, kubernetes: Any
) -> None:
    body = migration()
    await harness.run_until_waiting(body)
    (name,) = kubernetes.created
    kubernetes.finish(name, succeeded=True)
    kubernetes.messages[(NAMESPACE, name)] = ["3f2a1c9b7d10 (head)\n"]

    status = await harness.run(body)

    assert status["appliedRevision"] == "3f2a1c9b7d10"
    assert status["image"] == "pricing:0.1.0"
    assert conditions_of(status)["Ready"] == ("True", "Migrated")
    assert harness.recorder.reasons == ["MigrationStarted", "Migrated"]


async def test_without_a_report_the_target_revision_is_recorded(
    harness: Harness, kubernetes: Any
) -> None:
    body = migration(targetRevision="0002_prices")
    await harness.run_until_waiting(body)
    kubernetes.finish(kubernetes.created[0], succeeded=True)

    status = await harness.run(body)

    assert status["appliedRevision"] == "0002_prices"


async def test_a_migrated_spec_is_not_run_again(harness: Harness, kubernetes: Any) -> None:
    body = migration()
    await harness.run_until_waiting(body)
    kubernetes.finish(kubernetes.created[0], succeeded=True)
    await harness.run(body)
    kubernetes.jobs.clear()  # removed after its TTL

    status = await harness.run(body)

    assert status == {}
    assert len(kubernetes.created) == 1


async def test_a_changed_spec_runs_a_new_job(harness: Harness, kubernetes: Any) -> None:
    body = migration()
    await harness.run_until_waiting(body)
    kubernetes.finish(kubernetes.created[0], succeeded=True)
    await harness.run(body)
    body["spec"]["image"] = "pricing:0.2.0"
    body["metadata"]["generation"] = 2

    await harness.run_until_waiting(body)

    assert len(kubernetes.created) == 2
    assert body["status"]["observedGeneration"] == 2


async def test_a_failed_job_is_degraded_and_not_retried(harness: Harness, kubernetes: Any) -> None:
    body = migration()
    await harness.run_until_waiting(body)
    kubernetes.finish(kubernetes.created[0], succeeded=False, message="BackoffLimitExceeded")

    with pytest.raises(kopf.PermanentError):
        await harness.run(body)

    assert conditions_of(body["status"])["Degraded"] == ("True", "MigrationFailed")
    assert harness.recorder.events[-1][:2] == ("Warning", "MigrationFailed")


async def test_waits_while_another_migration_of_the_same_database_runs(
    harness: Harness, kubernetes: Any, config: OperatorConfig
) -> None:
    first = migration("pricing-a")
    second = migration("pricing-b")
    await harness.run_until_waiting(first)

    waiting = await harness.run_until_waiting(second)

    assert waiting.delay == config.lock_retry_delay
    assert len(kubernetes.created) == 1
    assert conditions_of(second["status"])["Progressing"] == ("True", "WaitingForDatabase")

    kubernetes.finish(kubernetes.created[0], succeeded=True)
    await harness.run_until_waiting(second)

    assert len(kubernetes.created) == 2


async def test_migrations_of_different_databases_run_side_by_side(
    harness: Harness, kubernetes: Any
) -> None:
    await harness.run_until_waiting(migration("pricing"))

    await harness.run_until_waiting(migration("offering", service="offering"))

    assert len(kubernetes.created) == 2


async def test_concurrent_migrations_of_one_database_start_one_job(
    harness: Harness, kubernetes: Any
) -> None:
    bodies = [migration(f"m{index}", database="catalog") for index in range(5)]

    results = await asyncio.gather(*(harness.run(b) for b in bodies), return_exceptions=True)

    assert all(isinstance(result, kopf.TemporaryError) for result in results)
    assert len(kubernetes.created) == 1
