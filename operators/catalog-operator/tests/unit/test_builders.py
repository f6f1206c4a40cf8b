"""The pure builders: a DatabaseMigration's Job and a ProcessDefinition's deployment files."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest

from catalog_operator.builders import (
    DEFAULT_MIGRATION_RESOURCES,
    SpecError,
    applied_revision,
    bpmn_files,
    build_migration_job,
    content_digest,
    deployment_name,
    job_name,
    job_outcome,
)
from catalog_operator.config import OperatorConfig

IMAGE = "registry.example.com/catalog/pricing:0.1.0"


def migration(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "catalog.example/v1alpha1",
        "kind": "DatabaseMigration",
        "metadata": {"name": "pricing", "namespace": "catalog", "uid": "uid-1", "generation": 1},
        "spec": {"service": "pricing", "image": IMAGE, **spec},
    }


def container_of(job: dict[str, Any]) -> dict[str, Any]:
    (container,) = job["spec"]["template"]["spec"]["containers"]
    return container


class TestMigrationJob:
    def test_runs_the_service_image_up_to_head_by_default(self) -> None:
        container = container_of(build_migration_job(migration(), OperatorConfig()))

        assert container["image"] == IMAGE
        assert container["command"][:2] == ["sh", "-c"]
        assert 'alembic upgrade "$0"' in container["command"][2]
        assert container["command"][3] == "head"

    def test_runs_up_to_the_target_revision(self) -> None:
        job = build_migration_job(migration(targetRevision="3f2a1c9b7d10"), OperatorConfig())

        assert container_of(job)["command"][3] == "3f2a1c9b7d10"

    def test_the_revision_is_an_argument_never_part_of_the_script(self) -> None:
        a = build_migration_job(migration(targetRevision="aaa"), OperatorConfig())
        b = build_migration_job(migration(targetRevision="bbb"), OperatorConfig())

        assert container_of(a)["command"][2] == container_of(b)["command"][2]

    def test_runs_restricted_non_root_on_a_read_only_root_filesystem(self) -> None:
        job = build_migration_job(migration(), OperatorConfig())
        pod = job["spec"]["template"]["spec"]
        context = container_of(job)["securityContext"]

        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["automountServiceAccountToken"] is False
        assert context["runAsNonRoot"] is True
        assert context["runAsUser"] == 10001
        assert context["readOnlyRootFilesystem"] is True
        assert context["allowPrivilegeEscalation"] is False
        assert context["capabilities"] == {"drop": ["ALL"]}
        assert {v["name"]: v for v in pod["volumes"]}["tmp"] == {"name": "tmp", "emptyDir": {}}

    def test_has_resources_a_retry_budget_and_a_deadline(self) -> None:
        config = OperatorConfig(migration_backoff_limit=2, migration_deadline_seconds=120)

        default = build_migration_job(migration(), config)
        own = build_migration_job(
            migration(backoffLimit=5, activeDeadlineSeconds=900, resources={"limits": {}}),
            config,
        )

        assert container_of(default)["resources"] == DEFAULT_MIGRATION_RESOURCES
        assert (default["spec"]["backoffLimit"], default["spec"]["activeDeadlineSeconds"]) == (
            2,
            120,
        )
        assert (own["spec"]["backoffLimit"], own["spec"]["activeDeadlineSeconds"]) == (5, 900)
        assert container_of(own)["resources"] == {"limits": {}}
        assert default["spec"]["template"]["spec"]["restartPolicy"] == "Never"

    def test_is_owned_by_its_migration_for_garbage_collection(self) -> None:
        job = build_migration_job(migration(), OperatorConfig())

        (owner,) = job["metadata"]["ownerReferences"]
        assert owner == {
            "apiVersion": "catalog.example/v1alpha1",
            "kind": "DatabaseMigration",
            "name": "pricing",
            "uid": "uid-1",
            "controller": True,
            "blockOwnerDeletion": True,
        }
        assert job["metadata"]["namespace"] == "catalog"

    def test_is_labelled_with_its_database_for_the_lock(self) -> None:
        own = build_migration_job(migration(), OperatorConfig())
        shared = build_migration_job(migration(database="catalog-db"), OperatorConfig())

        assert own["metadata"]["labels"]["catalog.example/database"] == "pricing"
        assert shared["metadata"]["labels"]["catalog.example/database"] == "catalog-db"
        assert shared["spec"]["template"]["metadata"]["labels"] == shared["metadata"]["labels"]

    def test_passes_the_services_settings_through(self) -> None:
        env = [{"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "s", "key": "u"}}}]

        job = build_migration_job(migration(env=env), OperatorConfig())

        assert container_of(job)["env"] == env

    def test_is_a_valid_kubernetes_job(self) -> None:
        job = build_migration_job(migration(), OperatorConfig())

        kubernetes_validate.validate(job, "1.30.0", strict=True)

    def test_its_name_is_the_same_for_the_same_spec_and_new_for_a_changed_one(self) -> None:
        spec = migration()["spec"]

        assert job_name("pricing", spec) == job_name("pricing", dict(spec))
        assert job_name("pricing", spec) != job_name("pricing", {**spec, "image": "x:2"})
        assert job_name("pricing", spec).startswith("pricing-migrate-")

    def test_its_name_fits_a_label_value_for_a_long_migration_name(self) -> None:
        assert len(job_name("m" * 80, migration()["spec"])) <= 63


class TestJobOutcome:
    @pytest.mark.parametrize(
        ("conditions", "finished", "succeeded"),
        [
            ([], False, False),
            ([{"type": "Complete", "status": "True"}], True, True),
            (
                [{"type": "Failed", "status": "True", "message": "BackoffLimitExceeded"}],
                True,
                False,
            ),
            ([{"type": "Failed", "status": "False"}], False, False),
        ],
    )
    def test_reads_the_jobs_conditions(
        self, conditions: list[dict[str, str]], finished: bool, succeeded: bool
    ) -> None:
        outcome = job_outcome({"status": {"conditions": conditions}})

        assert (outcome.finished, outcome.succeeded) == (finished, succeeded)

    def test_a_failure_carries_the_jobs_message(self) -> None:
        failed = {"status": {"conditions": [{"type": "Failed", "status": "True", "message": "x"}]}}

        assert "x" in job_outcome(failed).message

    @pytest.mark.parametrize(
        ("message", "revision"),
        [
            ("3f2a1c9b7d10 (head)\n", "3f2a1c9b7d10"),
            ("0002_prices (head)", "0002_prices"),
            ("", "head"),
            (None, "head"),
        ],
    )
    def test_the_applied_revision_is_what_alembic_current_printed(
        self, message: str | None, revision: str
    ) -> None:
        assert applied_revision(message, "head") == revision


class TestDeploymentFiles:
    def test_inline_bpmn_is_one_file(self) -> None:
        spec = {"bpmn": {"inline": "<definitions/>"}}

        assert bpmn_files(spec, None) == {"process.bpmn": b"<definitions/>"}

    def test_inline_bpmn_takes_its_file_name(self) -> None:
        spec = {"bpmn": {"inline": "<d/>", "fileName": "publication.bpmn"}}

        assert list(bpmn_files(spec, None)) == ["publication.bpmn"]

    def test_a_config_map_key(self) -> None:
        spec = {"bpmn": {"configMapRef": {"name": "bpmn", "key": "a.bpmn"}}}

        assert bpmn_files(spec, {"a.bpmn": "<a/>", "b.bpmn": "<b/>"}) == {"a.bpmn": b"<a/>"}

    def test_every_bpmn_key_of_a_config_map_and_nothing_else(self) -> None:
        spec = {"bpmn": {"configMapRef": {"name": "bpmn"}}}
        data = {"b.bpmn": "<b/>", "a.bpmn20.xml": "<a/>", "README.md": "x"}

        assert list(bpmn_files(spec, data)) == ["a.bpmn20.xml", "b.bpmn"]

    @pytest.mark.parametrize(
        ("reference", "data"),
        [
            ({"name": "bpmn", "key": "missing.bpmn"}, {"a.bpmn": "<a/>"}),
            ({"name": "bpmn"}, {"README.md": "x"}),
            ({"name": "bpmn"}, None),
        ],
    )
    def test_a_config_map_without_the_bpmn_is_a_spec_error(
        self, reference: dict[str, str], data: dict[str, str] | None
    ) -> None:
        with pytest.raises(SpecError):
            bpmn_files({"bpmn": {"configMapRef": reference}}, data)

    def test_the_deployment_name_is_the_resources_unless_given(self) -> None:
        body = {"metadata": {"name": "saga", "namespace": "catalog"}, "spec": {}}

        assert deployment_name(body) == "catalog.saga"
        assert deployment_name({**body, "spec": {"deploymentName": "publication"}}) == (
            "publication"
        )

    def test_the_content_digest_changes_with_any_file(self) -> None:
        base = {"a.bpmn": b"<a/>"}

        assert content_digest(base) == content_digest(dict(base))
        assert content_digest(base) != content_digest({"a.bpmn": b"<a />"})
        assert content_digest(base) != content_digest({"b.bpmn": b"<a/>"})
