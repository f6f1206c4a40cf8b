"""No input makes a service answer 5xx: schemathesis generates requests from each service's
OpenAPI (examples, boundary and negative values, random data, and stateful chains that reuse
created ids) and sends them, authenticated as admin, to the running services.

Identity's credential endpoints are left out: fuzzed passwords for the demo accounts would
throttle them for the rest of the run (their bad input is covered by identity's tests)."""

from __future__ import annotations

import asyncio
import sys

import pytest

# Reads each service's OpenAPI document from its own local port: not run against the cluster.
pytestmark = [pytest.mark.system, pytest.mark.local_only]

SERVICES = {
    "identity": 8001,
    "characteristic": 8002,
    "specification": 8003,
    "pricing": 8004,
    "offering": 8005,
    "store": 8006,
}
CREDENTIAL_PATHS = r"^/api/v1/auth/(login|token)$"


@pytest.mark.parametrize("service", list(SERVICES))
async def test_no_generated_request_gets_a_server_error(service, admin, tmp_path):
    base = f"http://127.0.0.1:{SERVICES[service]}"
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{base}/openapi.json",
        "--url",
        base,
        "--header",
        f"Authorization: {admin['Authorization']}",
        "--checks",
        "not_a_server_error",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        "25",
        "--seed",
        "20261121",
        "--exclude-path-regex",
        CREDENTIAL_PATHS,
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
    ]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await asyncio.wait_for(process.communicate(), 600)
    report = output.decode(errors="replace")
    assert process.returncode == 0, report[-6000:]
    assert " passed" in report and "generated" in report
