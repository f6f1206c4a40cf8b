"""Which version a committed OpenAPI document is judged against, and acknowledgements: on
throwaway git repositories."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dev.apicontracts.baseline import (
    ACKNOWLEDGEMENTS,
    WORKING_TREE,
    NoBaseline,
    comparison,
    judge_openapi,
    parse_acknowledgements,
)

DOC = "docs/api/shop.openapi.json"
IDENTITY = ("-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *IDENTITY, *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def document(*paths: str) -> str:
    operations = {path: {"get": {"responses": {"200": {}}}} for path in paths}
    return json.dumps({"openapi": "3.1.0", "paths": operations})


def put(repo: Path, path: str, text: str) -> None:
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text)


def commit(repo: Path, message: str, **files: str) -> None:
    for path, text in files.items():
        put(repo, path, text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, "readme", **{"README.md": "shop\n"})
    return root


def with_doc(repo: Path, *versions: str) -> None:
    for number, text in enumerate(versions):
        put(repo, DOC, text)
        commit(repo, f"doc v{number + 1}")


def ack(*entries: dict[str, Any]) -> str:
    return json.dumps({"acknowledged": list(entries)})  # JSON is YAML


def test_a_clean_checkout_judges_the_last_commit_against_the_one_before(repo: Path) -> None:
    with_doc(repo, document("/a", "/b"), document("/a"))

    judged = comparison(repo, DOC)

    assert (judged.base_revision, judged.new_revision) == ("HEAD~1", "HEAD")
    assert (judged.base, judged.new) == (document("/a", "/b"), document("/a"))


def test_an_uncommitted_change_is_judged_against_head(repo: Path) -> None:
    with_doc(repo, document("/a", "/b"), document("/a", "/b", "/c"))
    put(repo, DOC, document("/c"))

    judged = comparison(repo, DOC)

    assert (judged.base_revision, judged.new_revision) == ("HEAD", WORKING_TREE)
    assert (judged.base, judged.new) == (document("/a", "/b", "/c"), document("/c"))


def test_a_document_not_yet_committed_has_no_base(repo: Path) -> None:
    put(repo, DOC, document("/a"))

    with pytest.raises(NoBaseline, match="not in HEAD yet"):
        comparison(repo, DOC)


def test_a_document_new_in_the_last_commit_has_no_base(repo: Path) -> None:
    with_doc(repo, document("/a"))

    with pytest.raises(NoBaseline, match="did not exist at HEAD~1"):
        comparison(repo, DOC)


def test_the_first_commit_has_no_base(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    commit(tmp_path, "first", **{DOC: document("/a")})

    with pytest.raises(NoBaseline, match="first commit"):
        comparison(tmp_path, DOC)


def test_a_shallow_clone_says_so(repo: Path, tmp_path: Path) -> None:
    with_doc(repo, document("/a"), document("/a", "/b"))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))

    with pytest.raises(NoBaseline, match="shallow clone"):
        comparison(clone, DOC)


def test_a_directory_outside_git_has_no_base(tmp_path: Path) -> None:
    put(tmp_path, DOC, document("/a"))

    with pytest.raises(NoBaseline, match="not a git checkout"):
        comparison(tmp_path, DOC)


def test_a_breaking_change_without_an_acknowledgement_is_reported(repo: Path) -> None:
    with_doc(repo, document("/a", "/b"), document("/a"))

    verdict = judge_openapi(repo, "shop")

    assert [str(change) for change in verdict.unacknowledged] == ["/b: path removed"]


def test_a_breaking_change_acknowledged_in_the_same_commit_passes(repo: Path) -> None:
    with_doc(repo, document("/a", "/b"))
    entry = {"service": "shop", "change": "/b: path removed", "why": "nobody used it"}
    commit(repo, "drop /b", **{DOC: document("/a"), ACKNOWLEDGEMENTS: ack(entry)})

    verdict = judge_openapi(repo, "shop")

    assert [str(change) for change in verdict.breaking] == ["/b: path removed"]
    assert verdict.unacknowledged == []


def test_an_uncommitted_breaking_change_acknowledged_alongside_passes(repo: Path) -> None:
    with_doc(repo, document("/a", "/b"))
    put(repo, DOC, document("/a"))
    put(repo, ACKNOWLEDGEMENTS, ack({"service": "shop", "change": "/b: path removed", "why": "x"}))

    assert judge_openapi(repo, "shop").unacknowledged == []


def test_an_old_acknowledgement_does_not_excuse_a_new_break(repo: Path) -> None:
    entry = {"service": "shop", "change": "/b: path removed", "why": "removed once before"}
    commit(repo, "old", **{DOC: document("/a", "/b"), ACKNOWLEDGEMENTS: ack(entry)})
    commit(repo, "drop /b", **{DOC: document("/a")})

    verdict = judge_openapi(repo, "shop")

    assert [str(change) for change in verdict.unacknowledged] == ["/b: path removed"]


def test_an_acknowledgement_names_the_service(repo: Path) -> None:
    with_doc(repo, document("/a", "/b"))
    entry = {"service": "other", "change": "/b: path removed", "why": "wrong service"}
    commit(repo, "drop /b", **{DOC: document("/a"), ACKNOWLEDGEMENTS: ack(entry)})

    assert len(judge_openapi(repo, "shop").unacknowledged) == 1


@pytest.mark.parametrize(
    "text",
    [
        "acknowledged: {service: shop}",
        "acknowledged:\n  - service: shop\n    change: '/b: path removed'\n",
        "acknowledged:\n  - service: shop\n    change: ''\n    why: because\n",
    ],
)
def test_a_malformed_acknowledgement_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"acknowledged|entry 1"):
        parse_acknowledgements(text)
