"""The web UI's own unit tests (Vitest, frontend/src/**/*.test.ts: the validation rules, the
problem+json handling, the sign-in redirects, the publication polling), run in the unit tier:
no browser, no platform."""

from __future__ import annotations

import subprocess

from dev.localplatform import frontend


def test_the_frontend_unit_tests_pass() -> None:
    frontend.ensure_dependencies()

    result = subprocess.run(
        ["npm", "test", "--silent", "--", "--reporter=dot"],
        cwd=frontend.SOURCE_DIR,
        env=frontend.npm_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert " passed" in result.stdout, result.stdout
