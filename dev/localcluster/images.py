"""`make images`: every image the platform runs in a cluster, built here without a registry.

Layers, each built from the previous one (Dockerfiles under k8s/images/ unless named):

- `local/debian` — Debian bookworm by debootstrap (k8s/build/base-image.sh), its root
  filesystem cached as a tarball;
- bases standing in for upstream images: `local/python` (python:3.11-slim), `local/uv`
  (ghcr.io/astral-sh/uv), `local/node` (node:20), `local/jre` (a Java 17 runtime);
- the platform: `catalog/<service>` (services/Dockerfile), `catalog/operator`
  (operators/catalog-operator/Dockerfile), `catalog/frontend` (frontend/Dockerfile) — the
  same Dockerfiles a registry-backed CI builds with the upstream bases;
- the local infrastructure the cluster runs instead of the upstream operators: postgres,
  rabbitmq, ferretdb, opensearch, camunda, zipkin, and nginx for the edge.

Every image is tagged with its own content-derived image id (`<repository>:<12 hex>`), so an
unchanged image keeps its tag and a `helm upgrade` restarts only what changed. Docker's layer
cache is the build cache: a second run rebuilds nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dev.localplatform import camunda, ferretdb, opensearch
from dev.localplatform.buildcache import cache_root
from dev.localplatform.commands import run
from dev.localplatform.console import done, step
from dev.localplatform.errors import PlatformError
from dev.localplatform.installer import ensure_zipkin_jar
from dev.localplatform.paths import REPO_ROOT

from . import docker

IMAGES_DIR = REPO_ROOT / "k8s" / "images"
BASE_SCRIPT = REPO_ROOT / "k8s" / "build" / "base-image.sh"
EXTRA_CA_DIR = Path("/usr/local/share/ca-certificates")
UV_VERSION = "0.13.9"
SERVICES = ("identity", "characteristic", "specification", "pricing", "offering", "store")
MANIFEST = "images.json"
BUILD_TIMEOUT = 1800.0


@dataclass(frozen=True)
class Image:
    """One image: its repository, Dockerfile, context and the images its FROM lines take."""

    name: str
    repository: str
    dockerfile: Path
    # The build context: the repository root, or a directory prepared by `context`.
    context: Callable[[Path], None] | None = None
    build_args: dict[str, str] = field(default_factory=dict)
    # Build arguments naming other images of this table (ARG -> image name).
    bases: dict[str, str] = field(default_factory=dict)


def _copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, symlinks=False)
    else:
        shutil.copy2(source, target)


def _own_files(name: str) -> Callable[[Path], None]:
    """A context of k8s/images/<name>/ (its Dockerfile and scripts)."""

    def prepare(context: Path) -> None:
        for path in (IMAGES_DIR / name).iterdir():
            _copy(path, context / path.name)

    return prepare


def _with(name: str, extra: Callable[[Path], None]) -> Callable[[Path], None]:
    def prepare(context: Path) -> None:
        _own_files(name)(context)
        extra(context)

    return prepare


def _uv_binaries(context: Path) -> None:
    """uv's static (musl) binaries from its PyPI wheel: the content of ghcr.io/astral-sh/uv."""
    with tempfile.TemporaryDirectory() as target:
        run(
            [
                "uv",
                "pip",
                "install",
                "--quiet",
                "--target",
                target,
                "--python-platform",
                "x86_64-unknown-linux-musl",
                "--only-binary",
                ":all:",
                "--no-deps",
                f"uv=={UV_VERSION}",
            ],
            timeout=300,
        )
        for binary in ("uv", "uvx"):
            shutil.copy2(Path(target) / "bin" / binary, context / binary)


def _node_installation(context: Path) -> None:
    """The machine's Node.js (the binary and npm): Debian bookworm's is too old for the UI."""
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None or npm is None:
        raise PlatformError("node and npm (Node.js 20) are needed to build the UI's base image")
    shutil.copy2(Path(node).resolve(), context / "node")
    npm_root = Path(npm).resolve().parents[1]  # .../node_modules/npm/bin/npm-cli.js
    shutil.copytree(npm_root, context / "npm", symlinks=True)


def _ferretdb(context: Path) -> None:
    shutil.copy2(ferretdb.ensure_binary(), context / "ferretdb")


def _camunda(context: Path) -> None:
    shutil.copy2(camunda.ensure_jar(), context / "camunda.jar")


def _zipkin(context: Path) -> None:
    shutil.copy2(ensure_zipkin_jar(), context / "zipkin.jar")


def _opensearch(context: Path) -> None:
    build = opensearch.ensure_build()
    lib = context / "lib"
    lib.mkdir()
    for jar in build.jars():
        shutil.copy2(jar, lib / jar.name)
    shutil.copytree(build.classes, context / "classes")


DEBIAN_BASE = {"BASE_IMAGE": "debian"}
PYTHON_BASES = {"PYTHON_IMAGE": "python", "UV_IMAGE": "uv"}
JRE_BASE = {"JRE_IMAGE": "jre"}

IMAGES: tuple[Image, ...] = (
    # --- bases -----------------------------------------------------------------------------
    Image(
        "python",
        "local/python",
        IMAGES_DIR / "python/Dockerfile",
        _own_files("python"),
        bases=DEBIAN_BASE,
    ),
    Image("uv", "local/uv", IMAGES_DIR / "uv/Dockerfile", _with("uv", _uv_binaries)),
    Image(
        "node",
        "local/node",
        IMAGES_DIR / "node/Dockerfile",
        _with("node", _node_installation),
        bases=DEBIAN_BASE,
    ),
    Image("jre", "local/jre", IMAGES_DIR / "jre/Dockerfile", _own_files("jre"), bases=DEBIAN_BASE),
    # --- the platform ----------------------------------------------------------------------
    *(
        Image(
            service,
            f"catalog/{service}",
            REPO_ROOT / "services/Dockerfile",
            build_args={"SERVICE": service},
            bases=PYTHON_BASES,
        )
        for service in SERVICES
    ),
    Image(
        "operator",
        "catalog/operator",
        REPO_ROOT / "operators/catalog-operator/Dockerfile",
        bases=PYTHON_BASES,
    ),
    Image(
        "frontend",
        "catalog/frontend",
        REPO_ROOT / "frontend/Dockerfile",
        bases={"NODE_IMAGE": "node"},
    ),
    # --- local infrastructure --------------------------------------------------------------
    Image(
        "postgres",
        "local/postgres",
        IMAGES_DIR / "postgres/Dockerfile",
        _own_files("postgres"),
        bases=DEBIAN_BASE,
    ),
    Image(
        "rabbitmq",
        "local/rabbitmq",
        IMAGES_DIR / "rabbitmq/Dockerfile",
        _own_files("rabbitmq"),
        bases=DEBIAN_BASE,
    ),
    Image(
        "nginx",
        "local/nginx",
        IMAGES_DIR / "nginx/Dockerfile",
        _own_files("nginx"),
        bases=DEBIAN_BASE,
    ),
    Image(
        "ferretdb",
        "local/ferretdb",
        IMAGES_DIR / "ferretdb/Dockerfile",
        _with("ferretdb", _ferretdb),
        bases=DEBIAN_BASE,
    ),
    Image(
        "camunda",
        "local/camunda",
        IMAGES_DIR / "camunda/Dockerfile",
        _with("camunda", _camunda),
        bases=JRE_BASE,
    ),
    Image(
        "zipkin",
        "local/zipkin",
        IMAGES_DIR / "zipkin/Dockerfile",
        _with("zipkin", _zipkin),
        bases=JRE_BASE,
    ),
    Image(
        "opensearch",
        "local/opensearch",
        IMAGES_DIR / "opensearch/Dockerfile",
        _with("opensearch", _opensearch),
        bases=JRE_BASE,
    ),
)
BY_NAME = {image.name: image for image in IMAGES}


# ---------------------------------------------------------------------------------------------
# the Debian base


def base_key() -> str:
    digest = hashlib.sha256(BASE_SCRIPT.read_bytes())
    for certificate in sorted(EXTRA_CA_DIR.glob("*.crt")) if EXTRA_CA_DIR.is_dir() else []:
        digest.update(certificate.name.encode() + certificate.read_bytes())
    return digest.hexdigest()[:12]


def ensure_base() -> str:
    """`local/debian:bookworm-<key>`: imported from the cached root filesystem, bootstrapped
    first when there is none."""
    key = base_key()
    reference = f"local/debian:bookworm-{key}"
    if docker.image_exists(reference):
        return reference
    tarball = cache_root() / f"debian-bookworm-rootfs-{key}.tar.gz"
    step(
        "building the Debian base image (debootstrap, ≈ 1 min)"
        if not tarball.exists()
        else "importing the Debian base image"
    )
    tarball.parent.mkdir(parents=True, exist_ok=True)
    run(["bash", str(BASE_SCRIPT), reference, str(tarball)], env=docker.env(), timeout=1200)
    done(f"base image {reference}")
    return reference


# ---------------------------------------------------------------------------------------------
# building


@contextmanager
def _context(image: Image) -> Iterator[Path]:
    if image.context is None:
        yield REPO_ROOT
        return
    with tempfile.TemporaryDirectory(prefix=f"image-{image.name}-") as directory:
        image.context(Path(directory))
        yield Path(directory)


def build(image: Image, built: dict[str, str]) -> str:
    """Builds one image (its bases must be in `built`); returns `<repository>:<id>`."""
    args = dict(image.build_args)
    for arg, base in image.bases.items():
        args[arg] = built[base]
    with _context(image) as context:
        argv = [
            "build",
            "--network=host",  # apt, pip and npm reach the mirrors as the host does
            "--quiet",
            "-f",
            str(image.dockerfile),
            "-t",
            f"{image.repository}:build",
            *(
                item
                for arg, value in sorted(args.items())
                for item in ("--build-arg", f"{arg}={value}")
            ),
            str(context),
        ]
        result = docker.docker(*argv, timeout=BUILD_TIMEOUT, check=False)
    if result.returncode != 0:
        raise PlatformError(
            f"building {image.repository} failed:\n{(result.stdout + result.stderr)[-4000:]}"
        )
    tag = docker.image_id(f"{image.repository}:build").removeprefix("sha256:")[:12]
    reference = f"{image.repository}:{tag}"
    docker.docker("tag", f"{image.repository}:build", reference)
    return reference


def build_all(names: list[str] | None = None) -> dict[str, str]:
    """Builds the images (all, or `names` and the bases they need); returns name -> reference
    and records it in the cache's images.json for `deploy`."""
    docker.ensure_running()
    built: dict[str, str] = {"debian": ensure_base()}
    wanted = _with_bases(names or [image.name for image in IMAGES])
    for image in IMAGES:
        if image.name not in wanted:
            continue
        step(f"image {image.repository}")
        started = time.monotonic()
        built[image.name] = build(image, built)
        done(f"{built[image.name]} ({time.monotonic() - started:.0f}s)")
    manifest = manifest_path()
    previous = read_manifest() if manifest.exists() else {}
    manifest.write_text(json.dumps({**previous, **built}, indent=2, sort_keys=True) + "\n")
    return built


def _with_bases(names: list[str]) -> set[str]:
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        raise PlatformError(f"unknown images: {', '.join(unknown)} (known: {', '.join(BY_NAME)})")
    wanted: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in wanted or name == "debian":
            continue
        wanted.add(name)
        pending.extend(BY_NAME[name].bases.values())
    return wanted


def manifest_path() -> Path:
    return cache_root() / MANIFEST


def read_manifest() -> dict[str, str]:
    path = manifest_path()
    if not path.is_file():
        raise PlatformError("no images built yet: run `make images`")
    data: dict[str, str] = json.loads(path.read_text())
    return data
