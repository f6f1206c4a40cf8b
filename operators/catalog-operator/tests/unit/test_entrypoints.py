"""kopf's entry points and startup settings: registered for the right resources, watches bounded."""

from __future__ import annotations

import os
import subprocess
import sys

import kopf
import pytest
from pydantic import ValidationError

from catalog_operator import bootstrap, main
from catalog_operator.config import OperatorConfig


def test_startup_bounds_every_watch_so_a_silently_dead_one_is_reopened() -> None:
    settings = kopf.OperatorSettings()
    config = OperatorConfig(watch_server_timeout=120, watch_client_timeout=150, connect_timeout=5)

    bootstrap.apply_settings(settings, config)

    assert settings.watching.server_timeout == 120
    assert settings.watching.client_timeout == 150
    assert settings.watching.connect_timeout == 5
    assert settings.networking.connect_timeout == 5
    assert settings.networking.request_timeout == config.request_timeout


def test_the_client_gives_up_on_a_watch_after_the_server_would_have_ended_it() -> None:
    config = OperatorConfig()

    assert config.watch_client_timeout > config.watch_server_timeout


def test_startup_uses_the_catalog_prefix_for_what_kopf_stores_on_resources() -> None:
    settings = kopf.OperatorSettings()

    bootstrap.apply_settings(settings, OperatorConfig())

    assert settings.persistence.finalizer == "catalog.example/operator"
    assert isinstance(settings.persistence.progress_storage, kopf.AnnotationsProgressStorage)
    assert settings.peering.standalone is True


def test_a_namespaced_operator_scans_nothing_cluster_wide() -> None:
    """Its Role is namespaced: listing namespaces or CRDs would be refused (and retried)."""
    namespaced, clusterwide = kopf.OperatorSettings(), kopf.OperatorSettings()

    bootstrap.apply_settings(namespaced, OperatorConfig(namespace="catalog"))
    bootstrap.apply_settings(clusterwide, OperatorConfig(namespace=""))

    assert namespaced.scanning.disabled is True
    assert clusterwide.scanning.disabled is False


def handlers_of(plural: str) -> dict[str, set[str]]:
    """The handler ids registered for ``plural`` by kind of handler."""
    registry = kopf.get_default_registry()
    registered: dict[str, set[str]] = {}
    for kind, handlers in (("changing", registry._changing), ("spawning", registry._spawning)):
        for handler in handlers.get_all_handlers():
            if handler.selector is not None and handler.selector.any_name == plural:
                reason = getattr(handler, "reason", None)
                registered.setdefault(kind, set()).add(f"{handler.id}:{reason}")
    return registered


def test_process_definitions_are_deployed_on_create_update_and_resume_and_rechecked() -> None:
    registered = handlers_of("processdefinitions")

    assert main.deploy_process_definition is not None
    deploying = {h for h in registered["changing"] if h.startswith("deploy:")}
    # on.resume has no reason of its own (None).
    assert {h.split(":")[1] for h in deploying} == {"create", "update", "None"}
    assert {h.split(":")[0] for h in registered["spawning"]} == {"recheck"}


def test_only_a_process_definition_asking_to_be_suspended_has_a_delete_handler() -> None:
    registry = kopf.get_default_registry()
    (suspend,) = [
        handler
        for handler in registry._changing.get_all_handlers()
        if handler.selector is not None
        and handler.selector.any_name == "processdefinitions"
        and handler.reason == "delete"
    ]

    assert suspend.id == "suspend"
    assert suspend.when is not None
    assert suspend.when(spec={"suspendOnDelete": True}) is True
    assert suspend.when(spec={}) is False


def test_database_migrations_are_run_on_create_update_and_resume_and_never_deleted() -> None:
    registered = handlers_of("databasemigrations")

    assert {h.split(":")[0] for h in registered["changing"]} == {"migrate"}
    assert len(registered["changing"]) == 3
    assert not any("delete" in h.lower() for h in registered["changing"])


def test_with_the_recheck_off_no_timer_puts_a_finalizer_on_process_definitions() -> None:
    """kopf finalizes every resource a timer runs for; a release's ProcessDefinition must be
    deletable when its operator is gone (helm uninstall removes both at once)."""
    probe = (
        "import kopf\n"
        "from catalog_operator import main\n"
        "registry = kopf.get_default_registry()\n"
        "print(sorted(h.id for h in registry._spawning.get_all_handlers()))\n"
    )
    env = {**os.environ, "CATALOG_OPERATOR_BPMN_RECHECK_SECONDS": "0"}

    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"


def test_the_recheck_is_off_or_at_least_thirty_seconds() -> None:
    assert OperatorConfig(bpmn_recheck_seconds=0).bpmn_recheck_seconds == 0
    with pytest.raises(ValidationError):
        OperatorConfig(bpmn_recheck_seconds=10)
