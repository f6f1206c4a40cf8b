"""Static checks of the services' Dockerfile (the cluster tier builds and runs the images).

The rules: multi-stage, uv-based and frozen to the workspace lock, a slim runtime without
build tools running as a numeric non-root user, and only the paths the service needs copied
from the repository (no secrets, no local state).
"""

from __future__ import annotations

import re
import shlex
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "services" / "Dockerfile"
# Every service the image can be built for: the workspace members with an API process.
SERVICES = sorted(
    path.parent.name
    for path in REPO.glob("services/*/pyproject.toml")
    if "api"
    in tomllib.loads(path.read_text()).get("tool", {}).get("catalog", {}).get("processes", {})
)

# Repository paths an image may copy: the workspace lock and manifests, the chassis, and the
# service's own code and migrations.
ALLOWED_SOURCES = re.compile(
    r"^(pyproject\.toml|uv\.lock"
    r"|libs/chassis/(pyproject\.toml|src)"
    r"|services/\$\{SERVICE\}(/pyproject\.toml)?)$"
)
SECRET_LOOKING = re.compile(r"(\.env|\.pem|\.key|id_rsa|\.local|secret|password|token)", re.I)
BUILD_TOOLS = re.compile(r"\b(gcc|g\+\+|build-essential|make|git|curl|wget|uv)\b")


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def of(self, keyword: str) -> list[str]:
        return [arguments for instruction, arguments in self.instructions if instruction == keyword]


def parse_stages(text: str) -> tuple[list[tuple[str, str]], list[Stage]]:
    """(global instructions before the first FROM, stages), continuation lines joined."""
    logical = re.sub(r"\\\n", " ", text)
    preamble: list[tuple[str, str]] = []
    stages: list[Stage] = []
    for line in logical.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            words = arguments.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=name))
        elif stages:
            stages[-1].instructions.append((instruction, arguments.strip()))
        else:
            preamble.append((instruction, arguments.strip()))
    return preamble, stages


def copy_sources(arguments: str) -> list[str]:
    """The context paths a COPY reads (none for COPY --from=<stage>)."""
    if arguments.startswith("["):
        raise AssertionError("use the plain COPY form")
    words = shlex.split(arguments)
    if any(word.startswith("--from=") for word in words):
        return []
    paths = [word for word in words if not word.startswith("--")]
    return paths[:-1]


@pytest.fixture
def dockerfile() -> Path:
    return DOCKERFILE


def test_every_service_can_be_built_from_the_one_dockerfile() -> None:
    assert set(SERVICES) >= {
        "identity",
        "characteristic",
        "specification",
        "pricing",
        "offering",
        "store",
    }
    # No service keeps a copy of its own that could drift from the shared file.
    assert sorted(REPO.glob("services/*/Dockerfile")) == []


@pytest.mark.parametrize("service", SERVICES)
def test_the_image_serves_the_api_process_of_the_service(dockerfile: Path, service: str) -> None:
    _, stages = parse_stages(dockerfile.read_text())
    environment = dict(
        setting.split("=", 1)
        for instruction in stages[-1].of("ENV")
        for setting in shlex.split(instruction)
    )
    pyproject = tomllib.loads((REPO / "services" / service / "pyproject.toml").read_text())
    api = pyproject["tool"]["catalog"]["processes"]["api"]

    app = environment["UVICORN_APP"].replace("${SERVICE}", service)
    assert api[:3] == ["uvicorn", app, "--factory"]
    assert environment["UVICORN_FACTORY"] == "true"


def test_the_service_is_chosen_by_one_required_build_argument(dockerfile: Path) -> None:
    preamble, stages = parse_stages(dockerfile.read_text())
    builder = next(stage for stage in stages if stage.name == "builder")

    assert ("ARG", "SERVICE") in preamble  # no default: building needs --build-arg SERVICE
    assert any('test -n "${SERVICE}"' in run for run in builder.of("RUN"))
    body = re.sub(r"(?m)^#.*$", "", dockerfile.read_text())
    for service in SERVICES:
        assert not re.search(rf"\b{service}\b", body), f"{service} is named in the Dockerfile"


def test_is_multi_stage_and_builds_with_the_frozen_lock(dockerfile: Path) -> None:
    _, stages = parse_stages(dockerfile.read_text())
    builder = next(stage for stage in stages if stage.name == "builder")
    syncs = [run for run in builder.of("RUN") if "uv sync" in run]

    preamble, _ = parse_stages(dockerfile.read_text())
    defaults = dict(
        arguments.partition("=")[::2] for instruction, arguments in preamble if instruction == "ARG"
    )

    assert len(stages) >= 3
    # uv comes from its upstream image by default (a local build passes its own UV_IMAGE).
    assert stages[0].base == "${UV_IMAGE}"
    assert defaults["UV_IMAGE"].startswith("ghcr.io/astral-sh/uv:")
    assert syncs
    for sync in syncs:
        assert {"--frozen", "--no-dev"} <= set(sync.split())
        assert '--package "${SERVICE}-service"' in sync


def test_runtime_is_slim_and_runs_as_a_numeric_non_root_user(dockerfile: Path) -> None:
    _, stages = parse_stages(dockerfile.read_text())
    runtime = stages[-1]
    (user,) = runtime.of("USER")
    uid, _, gid = user.partition(":")

    preamble, _ = parse_stages(dockerfile.read_text())
    defaults = dict(
        arguments.partition("=")[::2] for instruction, arguments in preamble if instruction == "ARG"
    )

    # The slim upstream Python by default; the builder runs on the same base.
    assert runtime.base == "${PYTHON_IMAGE}"
    assert re.fullmatch(r"python:\$\{PYTHON_VERSION\}-slim", defaults["PYTHON_IMAGE"])
    assert uid.isdigit() and int(uid) >= 10000
    assert not gid or (gid.isdigit() and int(gid) > 0)
    assert runtime.of("EXPOSE")
    assert runtime.of("CMD")[0].startswith("[")  # exec form: signals reach the server
    assert runtime.of("HEALTHCHECK") == []  # Kubernetes probes /health and /health/ready
    for run in runtime.of("RUN"):
        assert not BUILD_TOOLS.search(run), run
        assert "apt-get install" not in run


def test_runtime_writes_nothing_outside_tmp(dockerfile: Path) -> None:
    _, stages = parse_stages(dockerfile.read_text())
    environment = " ".join(stages[-1].of("ENV"))

    assert "PYTHONDONTWRITEBYTECODE=1" in environment
    assert "TMPDIR=/tmp" in environment
    assert stages[-1].of("VOLUME") == []


def test_copies_only_the_paths_the_service_needs(dockerfile: Path) -> None:
    _, stages = parse_stages(dockerfile.read_text())
    sources = [
        source.rstrip("/")
        for stage in stages
        for copy in stage.of("COPY")
        for source in copy_sources(copy)
    ]

    assert sources
    for source in sources:
        assert ALLOWED_SOURCES.match(source), f"copies {source!r}"
        assert not SECRET_LOOKING.search(source), source


def test_no_secret_is_baked_into_the_image(dockerfile: Path) -> None:
    preamble, stages = parse_stages(dockerfile.read_text())
    declared = [*preamble, *(i for stage in stages for i in stage.instructions)]

    for instruction, arguments in declared:
        if instruction in ("ARG", "ENV"):
            assert not re.search(
                r"(SECRET|PASSWORD|TOKEN|PRIVATE|DATABASE_URL|RABBITMQ_URL)", arguments, re.I
            ), arguments


def test_build_context_is_an_allow_list(dockerfile: Path) -> None:
    ignore = (REPO / ".dockerignore").read_text().splitlines()
    rules = [rule.strip() for rule in ignore if rule.strip() and not rule.startswith("#")]

    assert rules[0] == "*"
    for rule in rules:
        if rule.startswith("!"):
            assert not SECRET_LOOKING.search(rule), rule


def test_copy_rule_catches_a_whole_context_copy() -> None:
    _, stages = parse_stages("FROM python:3.11-slim AS runtime\nCOPY . /app\n")
    (copy,) = stages[0].of("COPY")

    assert not ALLOWED_SOURCES.match(copy_sources(copy)[0])
