"""The web UI's typed API client (frontend/src/api/generated) is what `npm run generate:api`
makes of the committed OpenAPI documents (docs/api): a service's contract change that the UI
has not picked up fails here, not in a browser."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dev.localplatform import frontend
from dev.localplatform.paths import REPO_ROOT

REGENERATE = "cd frontend && npm run generate:api"
GENERATED = frontend.SOURCE_DIR / "src" / "api" / "generated"


@pytest.fixture(scope="module")
def node_modules() -> Path:
    """The frontend's packages (openapi-typescript), installed if the lockfile changed."""
    frontend.ensure_dependencies()
    return frontend.SOURCE_DIR / "node_modules"


def generate(frontend_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(frontend_dir / "scripts" / "generate-api.mjs"), *args],
        cwd=frontend_dir,
        env=frontend.npm_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_there_is_a_generated_client_per_openapi_document() -> None:
    documents = sorted(path.name for path in (REPO_ROOT / "docs" / "api").glob("*.openapi.json"))
    clients = sorted(path.name for path in GENERATED.glob("*.ts"))

    assert clients == [name.replace(".openapi.json", ".ts") for name in documents]


def test_the_committed_client_is_current(node_modules: Path) -> None:
    result = generate(frontend.SOURCE_DIR, "--check")

    assert result.returncode == 0, f"{result.stderr.strip()}\nRegenerate: {REGENERATE}"


def test_the_check_names_a_stale_file_and_a_stray_one(node_modules: Path, tmp_path: Path) -> None:
    # A copy of the generator, the documents and the client, laid out as in the repository.
    copy = tmp_path / "frontend"
    (copy / "scripts").mkdir(parents=True)
    shutil.copy(frontend.SOURCE_DIR / "scripts" / "generate-api.mjs", copy / "scripts")
    shutil.copytree(GENERATED, copy / "src" / "api" / "generated")
    shutil.copytree(REPO_ROOT / "docs" / "api", tmp_path / "docs" / "api")
    os.symlink(node_modules, copy / "node_modules")
    stale = copy / "src" / "api" / "generated" / "pricing.ts"
    stale.write_text(stale.read_text().replace("PricePublic", "PriceOld"))
    (copy / "src" / "api" / "generated" / "retired.ts").write_text("export {};\n")

    checked = generate(copy, "--check")
    regenerated = generate(copy)
    checked_again = generate(copy, "--check")

    assert checked.returncode == 1
    assert "pricing.ts" in checked.stderr and "retired.ts" in checked.stderr
    assert regenerated.returncode == 0, regenerated.stderr
    assert checked_again.returncode == 0, checked_again.stderr
    assert not (copy / "src" / "api" / "generated" / "retired.ts").exists()
