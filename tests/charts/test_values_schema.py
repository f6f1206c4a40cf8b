"""values.schema.json refuses values that would break a rule, before anything renders."""

from __future__ import annotations

from typing import Any

import helm_python as helm
import pytest

INSECURE_IDENTITY_VALUES = {
    "writable root filesystem": {"securityContext": {"readOnlyRootFilesystem": False}},
    "privilege escalation": {"securityContext": {"allowPrivilegeEscalation": True}},
    "root user allowed": {"podSecurityContext": {"runAsNonRoot": False}},
    "added capability": {"securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}},
    "unconfined seccomp": {"securityContext": {"seccompProfile": {"type": "Unconfined"}}},
}

MALFORMED_IDENTITY_VALUES = {
    "misspelt top-level key": {"replicas": 3},
    # null removes the default limits in Helm's value merge
    "no resource limits": {"resources": {"limits": None}},
    "worker without resources": {"workers": {"consumer": {"enabled": True, "command": ["x"]}}},
    "unknown environment": {"environment": "staging"},
    "secret value instead of a secret name": {"database": {"url": "postgresql+asyncpg://u:p@h/d"}},
    "seed flag as a string": {"seedDemoUsers": "yes"},
}

MALFORMED_UMBRELLA_VALUES = {
    "unknown edge mode": {"edge": {"mode": "nginx"}},
    "misspelt top-level key": {"gloabl": {}},
    "existing gateway without a name": {"edge": {"gateway": {"create": False}}},
    "infrastructure flag as a string": {"zipkin": {"enabled": "true"}},
}


REJECTED_VALUES = [
    *(
        pytest.param("identity", v, id=f"identity: {k}")
        for k, v in INSECURE_IDENTITY_VALUES.items()
    ),
    *(
        pytest.param("identity", v, id=f"identity: {k}")
        for k, v in MALFORMED_IDENTITY_VALUES.items()
    ),
    *(pytest.param("catalog", v, id=f"catalog: {k}") for k, v in MALFORMED_UMBRELLA_VALUES.items()),
    # The umbrella hands each service block to that service's schema.
    pytest.param(
        "catalog",
        {"identity": INSECURE_IDENTITY_VALUES["writable root filesystem"]},
        id="catalog: insecure identity block",
    ),
]


@pytest.mark.parametrize(("chart", "values"), REJECTED_VALUES)
def test_schema_rejects_values_that_break_a_rule(
    loaded_charts: dict[str, helm.Chart], chart: str, values: dict[str, Any]
) -> None:
    with pytest.raises(helm.HelmValuesError):
        loaded_charts[chart].render(values=values, name="catalog")
