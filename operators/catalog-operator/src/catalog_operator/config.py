"""The operator's settings: one class, fed by `CATALOG_OPERATOR_*` environment variables."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class OperatorConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CATALOG_OPERATOR_", frozen=True)

    # Namespace to watch; empty: every namespace (needs cluster-wide RBAC).
    namespace: str = ""
    # A watch request ends after this many seconds on the API server's side and is reopened,
    # so a watch connection that silently died (no error, no events) is noticed.
    watch_server_timeout: int = Field(default=270, ge=10)
    # The client gives up on a watch this long after it started: a little longer than the
    # server's timeout, covering a server or proxy that never closes the stream.
    watch_client_timeout: int = Field(default=300, ge=15)
    # Connecting to the API server must be quick (watches and short requests alike).
    connect_timeout: int = Field(default=10, ge=1)
    # A short API request (not a watch) fails after this many seconds.
    request_timeout: int = Field(default=60, ge=5)
    # Port of kopf's liveness endpoint (`/healthz`), probed by the operator's Deployment.
    liveness_port: int = Field(default=8080, ge=1024, le=65535)
    # Seconds between checks of a running migration Job.
    job_poll_delay: int = Field(default=15, ge=1)
    # Seconds to wait before retrying when another migration of the same database runs.
    lock_retry_delay: int = Field(default=30, ge=1)
    # Seconds before retrying an engine that could not be reached (the handler's attempt
    # count multiplies it, up to `engine_max_retry_delay`).
    engine_retry_delay: int = Field(default=10, ge=1)
    engine_max_retry_delay: int = Field(default=300, ge=1)
    # Pod-level retries of a migration Job (Kubernetes backs off exponentially between them).
    migration_backoff_limit: int = Field(default=3, ge=0, le=10)
    # A migration Job is stopped after this many seconds.
    migration_deadline_seconds: int = Field(default=600, ge=30)
    # A finished migration Job is removed this long after it ended (its result is in status).
    migration_ttl_seconds: int = Field(default=86_400, ge=60)
    # The non-root user the migration container runs as (the services' images use 10001).
    migration_run_as_user: int = Field(default=10001, ge=1)
    # Seconds between looks at a ProcessDefinition's BPMN (a ConfigMap's change is not an
    # event of the ProcessDefinition); an unchanged BPMN costs one ConfigMap read. 0: never
    # (the resources carry their BPMN's digest instead, as the umbrella chart's does; no
    # finalizer is then put on them).
    bpmn_recheck_seconds: int = Field(default=300, ge=0)

    def engine_retry_after(self, retry: int) -> int:
        """Seconds before asking an unreachable engine again: doubling, at most the maximum."""
        return min(self.engine_max_retry_delay, self.engine_retry_delay * (1 << retry))

    @field_validator("bpmn_recheck_seconds")
    @classmethod
    def _recheck_off_or_not_too_often(cls, value: int) -> int:
        if 0 < value < 30:
            raise ValueError("0 (off) or at least 30 seconds")
        return value

    # The engine's `deployment-source` of every deployment the operator makes.
    deployment_source: str = "catalog-operator"
