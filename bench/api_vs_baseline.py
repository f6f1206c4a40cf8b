"""The characteristic API beside a bare FastAPI + asyncpg app (bench/baseline_app.py), side by
side on this machine: the figure that stays stable on a noisy machine is the ratio.

Both servers are started here, each a single uvicorn process pinned to core 1, each against
its own throwaway database on the platform's Postgres (the platform's migrated by its own
Alembic revisions, so a create writes its outbox row too, and no relay drains it: the API's
own cost is measured). The load generator, `wrk`, is pinned to core 0. For each operation
(create, get by id, list page, health) and client count, the two run interleaved `--repeats`
times; each run reports req/s, p50/p99 (wrk's latency distribution) and the server's CPU
milliseconds per request (its utime + stime from /proc before and after).

    make up && uv run python bench/api_vs_baseline.py [--seconds 8] [--clients 1,16,64]

The platform server gets the settings `make up` gives the characteristic API, with the
tracing sampler of `--sampler` (the production default: parentbased_traceidratio at 0.1).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from catalog_chassis.db import asyncpg_url, libpq_dsn  # noqa: E402
from catalog_testing import platform_setting  # noqa: E402
from dev.localplatform import installer  # noqa: E402
from dev.localplatform.discovery import discover_services  # noqa: E402
from dev.localplatform.paths import DEFAULT_LAYOUT  # noqa: E402
from dev.localplatform.platform_env import prepare_databases  # noqa: E402
from dev.localplatform.secrets_store import ensure_jwt_keys  # noqa: E402
from dev.localplatform.services import service_env  # noqa: E402

PLATFORM_PORT = 18002
BASELINE_PORT = 18102
PATH = "/api/v1/characteristics"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WRK = Path("/usr/bin/wrk")
TASKSET = "/usr/bin/taskset"
PY_SPY = ("uvx", "py-spy")

CREATE_LUA = """
local counter = 0
local run = "%(run)s"
local thread_id = tostring(math.random(1, 1000000000))
request = function()
  counter = counter + 1
  local body = '{"name":"Bench ' .. run .. ' ' .. thread_id .. ' ' .. counter ..
               '","value":"' .. counter .. '","unitOfMeasure":"Mbps"}'
  return wrk.format("POST", "%(path)s", {["Content-Type"] = "application/json",
                    ["Authorization"] = "%(auth)s"}, body)
end
"""
GET_LUA = """
request = function()
  return wrk.format("GET", "%(path)s", {["Authorization"] = "%(auth)s"})
end
"""


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


# The charts' default (ADR 15): what a process runs with outside development.
PRODUCTION_SAMPLER = "parentbased_traceidratio:0.1"


def sampler_env(sampler: str) -> dict[str, str]:
    """OTEL_TRACES_SAMPLER (and _ARG) from `name[:arg]`."""
    name, _, arg = sampler.partition(":")
    return {"OTEL_TRACES_SAMPLER": name, **({"OTEL_TRACES_SAMPLER_ARG": arg} if arg else {})}


@contextmanager
def server(name: str, command: list[str], env: dict[str, str], url: str) -> Iterator[Server]:
    log = Path(tempfile.gettempdir()) / f"bench-{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own command
            [TASKSET, "-c", "1", *command], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2, trust_env=False).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start; see {log}")
            time.sleep(0.3)
        yield Server(name, url, process)
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    cpu_ms_per_request: float
    errors: int


def _milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(
    target: Server, path: str, script: str, clients: int, seconds: int, profile: Path | None = None
) -> Run:
    """One wrk run; with `profile`, py-spy samples the server meanwhile (raw stacks there)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    threads = 1
    spy = None
    if profile is not None:
        spy = subprocess.Popen(  # noqa: S603 - our own command
            [
                *PY_SPY,
                *("record", "-p", str(target.process.pid), "-d", str(seconds), "-r", "200"),
                *("-f", "raw", "-o", str(profile)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    before = target.cpu_seconds()
    result = subprocess.run(  # noqa: S603 - our own command
        [
            TASKSET,
            "-c",
            "0",
            str(WRK),
            f"-t{threads}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            lua.name,
            f"{target.url}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu = target.cpu_seconds() - before
    Path(lua.name).unlink()
    if spy is not None:
        spy.wait(timeout=60)
    out = result.stdout
    if not re.search(r"^\s+99%\s+\S+", out, re.M):
        raise RuntimeError(f"wrk printed no latency distribution:\n{out}\n{result.stderr}")
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Run(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_milliseconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        p99_ms=_milliseconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        cpu_ms_per_request=cpu * 1000 / max(total, 1),
        errors=int(errors.group(1)) if errors else 0,
    )


def token() -> str:
    response = httpx.post(
        "http://127.0.0.1:8001/api/v1/auth/login",
        json={"username": "admin", "password": "admin"},
        timeout=10,
        trust_env=False,
    )
    response.raise_for_status()
    return f"Bearer {response.json()['access_token']}"


def first_id(target: Server, auth: str) -> str:
    response = httpx.post(
        f"{target.url}{PATH}",
        json={"name": f"Bench probe {uuid.uuid4().hex}", "value": "1", "unitOfMeasure": "Mbps"},
        headers={"Authorization": auth},
        timeout=10,
        trust_env=False,
    )
    response.raise_for_status()
    return str(response.json()["id"])


def seed(target: Server, auth: str, rows: int) -> None:
    """The same number of characteristics in each server's table before anything is read."""

    async def create_all() -> None:
        async with httpx.AsyncClient(
            base_url=target.url, headers={"Authorization": auth}, timeout=30, trust_env=False
        ) as client:
            semaphore = asyncio.Semaphore(8)

            async def one(index: int) -> None:
                async with semaphore:
                    body = {"name": f"Seed {index:05d}", "value": str(index), "unitOfMeasure": "GB"}
                    (await client.post(PATH, json=body)).raise_for_status()

            await asyncio.gather(*(one(index) for index in range(rows)))

    asyncio.run(create_all())


def median_run(runs: list[Run]) -> Run:
    return Run(
        requests_per_second=statistics.median(r.requests_per_second for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        cpu_ms_per_request=statistics.median(r.cpu_ms_per_request for r in runs),
        errors=sum(r.errors for r in runs),
    )


@contextmanager
def bench_database(prefix: str) -> Iterator[str]:
    """A new empty database on the platform's Postgres (its asyncpg URL), dropped afterwards."""
    admin_url = platform_setting("POSTGRES_ADMIN_URL")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"

    async def execute(statement: str) -> None:
        connection = await asyncpg.connect(libpq_dsn(admin_url))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    try:
        # No TLS on loopback, as `make up` configures the services.
        url = make_url(admin_url).set(database=name).update_query_dict({"sslmode": "disable"})
        yield asyncpg_url(url.render_as_string(False))
    finally:
        asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--clients", default="1,16,64")
    # Reads first, then creates: both tables hold the same rows while they are read.
    parser.add_argument("--operations", default="get,list,health,create")
    parser.add_argument("--seed-rows", type=int, default=500)
    parser.add_argument("--sampler", default=PRODUCTION_SAMPLER, help="OTEL_TRACES_SAMPLER[:ARG]")
    parser.add_argument(
        "--profile",
        type=Path,
        help="directory for py-spy profiles (raw, for flamegraphs) of the platform's first run"
        " of each operation and client count",
    )
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    installer.ensure_packages({"wrk": WRK})
    clients = [int(c) for c in args.clients.split(",")]
    operations = args.operations.split(",")
    layout = DEFAULT_LAYOUT
    specs = {spec.name: spec for spec in discover_services(layout.services)}
    spec = specs["characteristic"]
    platform_env = prepare_databases(layout, list(specs.values()))

    with ExitStack() as stack:
        platform_db = stack.enter_context(bench_database("bench_platform"))
        baseline_db = stack.enter_context(bench_database("bench_baseline"))
        env = service_env(layout, spec, platform_env, ensure_jwt_keys(layout))
        env["DATABASE_URL"] = platform_db
        env |= sampler_env(args.sampler)
        migrated = subprocess.run(
            [sys.executable, "-m", "alembic", "upgrade", "head"],
            cwd=spec.directory,
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        if migrated.returncode != 0:
            raise RuntimeError(f"migrating the platform's database failed:\n{migrated.stderr}")
        platform = stack.enter_context(
            server(
                "platform",
                [
                    str(layout.venv_bin / "uvicorn"),
                    "characteristic_service.entrypoints.api:create_app",
                    "--factory",
                    "--port",
                    str(PLATFORM_PORT),
                    "--no-access-log",
                ],
                env,
                f"http://127.0.0.1:{PLATFORM_PORT}",
            )
        )
        baseline_env = {
            **os.environ,
            "BASELINE_DATABASE_URL": libpq_dsn(baseline_db),
        }
        baseline = stack.enter_context(
            server(
                "baseline",
                [
                    str(layout.venv_bin / "uvicorn"),
                    "bench.baseline_app:app",
                    "--port",
                    str(BASELINE_PORT),
                    "--no-access-log",
                ],
                {**baseline_env, "PYTHONPATH": str(REPO)},
                f"http://127.0.0.1:{BASELINE_PORT}",
            )
        )
        auth = token()
        ids = {target.name: first_id(target, auth) for target in (platform, baseline)}
        health = {"platform": "/health", "baseline": "/health"}
        for target in (platform, baseline):
            seed(target, auth, args.seed_rows)
        results: dict[str, dict[str, dict[str, Run]]] = {}
        for operation in operations:
            for count in clients:
                runs: dict[str, list[Run]] = {"platform": [], "baseline": []}
                for repeat in range(args.repeats):
                    order = (platform, baseline) if repeat % 2 == 0 else (baseline, platform)
                    for target in order:
                        variables = {"auth": auth, "run": uuid.uuid4().hex[:8], "path": PATH}
                        if operation == "create":
                            script, path = CREATE_LUA % variables, PATH
                        elif operation == "get":
                            path = f"{PATH}/{ids[target.name]}"
                            script = GET_LUA % {**variables, "path": path}
                        elif operation == "list":
                            path = f"{PATH}?limit=20"
                            script = GET_LUA % {**variables, "path": path}
                        else:
                            path = health[target.name]
                            script = GET_LUA % {**variables, "path": path}
                        profile = None
                        if args.profile and repeat == 0 and target is platform:
                            profile = args.profile / f"{operation}-{count}.txt"
                        runs[target.name].append(
                            wrk(target, path, script, count, args.seconds, profile)
                        )
                results.setdefault(operation, {})[str(count)] = {
                    name: median_run(each) for name, each in runs.items()
                }
                print_row(operation, count, results[operation][str(count)])
    print(json.dumps(to_json(results, args)))
    return 0


def print_row(operation: str, clients: int, runs: dict[str, Run]) -> None:
    ours, bare = runs["platform"], runs["baseline"]
    print(
        f"{operation:<7} {clients:>3} clients | platform {ours.requests_per_second:8.0f} req/s"
        f" p50 {ours.p50_ms:7.2f} p99 {ours.p99_ms:8.2f} ms {ours.cpu_ms_per_request:6.2f} CPU-ms"
        f" | baseline {bare.requests_per_second:8.0f} req/s p50 {bare.p50_ms:7.2f}"
        f" p99 {bare.p99_ms:8.2f} ms {bare.cpu_ms_per_request:6.2f} CPU-ms"
        f" | ratio req/s {ours.requests_per_second / bare.requests_per_second:5.2f}"
        f" CPU {ours.cpu_ms_per_request / max(bare.cpu_ms_per_request, 1e-9):5.2f}x"
        + (f"  ERRORS {ours.errors}/{bare.errors}" if ours.errors or bare.errors else ""),
        flush=True,
    )


def to_json(results: dict[str, dict[str, dict[str, Run]]], args: argparse.Namespace) -> dict:
    return {
        "benchmark": "api_vs_baseline",
        "seconds": args.seconds,
        "repeats": args.repeats,
        "sampler": args.sampler,
        "results": {
            operation: {
                clients: {
                    **{name: vars(run) for name, run in runs.items()},
                    "ratio_requests_per_second": round(
                        runs["platform"].requests_per_second / runs["baseline"].requests_per_second,
                        3,
                    ),
                    "ratio_cpu_ms": round(
                        runs["platform"].cpu_ms_per_request
                        / max(runs["baseline"].cpu_ms_per_request, 1e-9),
                        3,
                    ),
                }
                for clients, runs in by_clients.items()
            }
            for operation, by_clients in results.items()
        },
    }


if __name__ == "__main__":
    sys.exit(main())
