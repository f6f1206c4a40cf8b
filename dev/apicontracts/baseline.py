"""Which committed version of a contract a change is judged against, and which breaking
changes were acknowledged with that change.

The breaking-change check judges one change to a committed file, taken from git:

- the working tree's file differs from HEAD's (a developer's uncommitted change): the
  working tree is judged against HEAD;
- the working tree's file is HEAD's (CI, which checks out the commit under test, or a
  developer after committing): HEAD is judged against HEAD~1, i.e. the last commit.

There is no base, and the comparison is skipped with the reason, when the directory is not
a git checkout, the file is not in HEAD yet (a new contract), HEAD~1 is not there (HEAD is
the first commit, or a shallow clone fetched only HEAD), or the file did not exist at HEAD~1.

A breaking change passes when it is acknowledged in the same change: an entry added to
``docs/api/breaking-changes.yaml`` next to it (present in the judged version of that file,
absent from the base's), naming the service, the change exactly as the check prints it,
and why. Entries stay in the file as a record; an old entry never excuses a new change.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dev.apicontracts.openapi_diff import BreakingChange, breaking_changes

ACKNOWLEDGEMENTS = "docs/api/breaking-changes.yaml"
WORKING_TREE = "the working tree"


class NoBaseline(Exception):
    """There is nothing to compare with; the message says why."""


@dataclass(frozen=True)
class Comparison:
    """One file's judged text (``new``, at ``new_revision``) and its base (at
    ``base_revision``), with the acknowledgements file at both."""

    path: str
    base_revision: str
    new_revision: str
    base: str
    new: str
    base_acknowledgements: str | None
    new_acknowledgements: str | None


@dataclass(frozen=True)
class Acknowledgement:
    service: str
    change: str
    why: str


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=60
    )


def _show(root: Path, revision: str, path: str) -> str | None:
    """The file at ``revision`` (None when it is not there); ``path`` relative to ``root``."""
    result = _git(root, "show", f"{revision}:./{path}")
    return result.stdout if result.returncode == 0 else None


def _has_commit(root: Path, revision: str) -> bool:
    return _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").returncode == 0


def comparison(root: Path, path: str) -> Comparison:
    """What to judge for ``path`` (relative to ``root``, the repository root): see the module
    docs. NoBaseline when there is nothing to compare with."""
    try:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
    except (FileNotFoundError, subprocess.TimeoutExpired) as error:
        raise NoBaseline(f"git is not usable here ({error})") from error
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise NoBaseline(f"{root} is not a git checkout: no committed version to compare with")
    if not _has_commit(root, "HEAD"):
        raise NoBaseline("the repository has no commit yet")
    at_head = _show(root, "HEAD", path)
    if at_head is None:
        raise NoBaseline(f"{path} is not in HEAD yet: a new contract has no previous version")
    file = root / path
    working = file.read_text() if file.is_file() else None
    if working is None:
        raise NoBaseline(f"{path} is missing from the working tree (regenerate it)")
    if working != at_head:
        return Comparison(
            path=path,
            base_revision="HEAD",
            new_revision=WORKING_TREE,
            base=at_head,
            new=working,
            base_acknowledgements=_show(root, "HEAD", ACKNOWLEDGEMENTS),
            new_acknowledgements=_read(root / ACKNOWLEDGEMENTS),
        )
    if not _has_commit(root, "HEAD~1"):
        shallow = _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"
        if shallow:
            raise NoBaseline(
                "HEAD~1 is not in this shallow clone, so the last commit cannot be judged "
                "(fetch at least two commits, e.g. `git fetch --deepen=1`)"
            )
        raise NoBaseline("HEAD is the first commit: there is no previous version")
    previous = _show(root, "HEAD~1", path)
    if previous is None:
        raise NoBaseline(f"{path} did not exist at HEAD~1: it is new in the last commit")
    return Comparison(
        path=path,
        base_revision="HEAD~1",
        new_revision="HEAD",
        base=previous,
        new=at_head,
        base_acknowledgements=_show(root, "HEAD~1", ACKNOWLEDGEMENTS),
        new_acknowledgements=_show(root, "HEAD", ACKNOWLEDGEMENTS),
    )


def _read(file: Path) -> str | None:
    return file.read_text() if file.is_file() else None


def parse_acknowledgements(text: str | None) -> list[Acknowledgement]:
    """The entries of a breaking-changes.yaml text (none for None); ValueError if malformed."""
    if text is None:
        return []
    document: Any = yaml.safe_load(text) or {}
    entries = document.get("acknowledged") if isinstance(document, dict) else None
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise ValueError(f"{ACKNOWLEDGEMENTS}: 'acknowledged' must be a list")
    found = []
    for number, entry in enumerate(entries, start=1):
        fields = ("service", "change", "why")
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(name), str) and entry[name].strip() for name in fields
        ):
            raise ValueError(
                f"{ACKNOWLEDGEMENTS}: entry {number} needs non-empty text for "
                f"{', '.join(fields)}; got {entry!r}"
            )
        found.append(Acknowledgement(**{name: entry[name].strip() for name in fields}))
    return found


def newly_acknowledged(judged: Comparison) -> set[tuple[str, str]]:
    """(service, change) of the entries added in the judged change."""
    before = {
        (entry.service, entry.change)
        for entry in parse_acknowledgements(judged.base_acknowledgements)
    }
    return {
        (entry.service, entry.change)
        for entry in parse_acknowledgements(judged.new_acknowledgements)
        if (entry.service, entry.change) not in before
    }


@dataclass(frozen=True)
class Verdict:
    comparison: Comparison
    breaking: list[BreakingChange]
    unacknowledged: list[BreakingChange]


def openapi_file(service: str) -> str:
    return f"docs/api/{service}.openapi.json"


def judge_openapi(root: Path, service: str) -> Verdict:
    """The breaking changes to the service's committed OpenAPI document in the judged
    change, and those of them not acknowledged. NoBaseline when there is no base."""
    judged = comparison(root, openapi_file(service))
    breaking = breaking_changes(json.loads(judged.base), json.loads(judged.new))
    acknowledged = newly_acknowledged(judged)
    unacknowledged = [change for change in breaking if (service, str(change)) not in acknowledged]
    return Verdict(comparison=judged, breaking=breaking, unacknowledged=unacknowledged)
