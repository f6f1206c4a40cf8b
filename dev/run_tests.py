"""Runs the test tiers in order and sums their results: `uv run python dev/run_tests.py`.

Tiers: unit (no infrastructure) -> `dev/platform.py up` -> integration + component -> system.
A tier without tests passes, but the run as a whole fails when no test ran at all.
The last line is the total, e.g. `42 passed, 0 failed, 3 skipped`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / ".local" / "test-reports"
TEST_ROOTS = ("libs", "services", "tests")
PYTEST_NO_TESTS_COLLECTED = 5


@dataclass(frozen=True)
class Tier:
    name: str
    marker: str
    needs_platform: bool


TIERS = (
    Tier("unit", "not integration and not component and not system", needs_platform=False),
    Tier("integration", "integration or component", needs_platform=True),
    Tier("system", "system", needs_platform=True),
)


@dataclass
class Outcome:
    passed: int = 0
    failed: int = 0
    skipped: int = 0

    def add(self, other: Outcome) -> None:
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped

    def summary(self) -> str:
        text = f"{self.passed} passed, {self.failed} failed"
        return text + (f", {self.skipped} skipped" if self.skipped else "")


def run_tier(tier: Tier, extra_args: list[str]) -> Outcome:
    report = REPORTS / f"{tier.name}.xml"
    report.unlink(missing_ok=True)
    paths = [name for name in TEST_ROOTS if (ROOT / name).is_dir()]
    pytest = Path(sys.executable).parent / "pytest"
    command = [str(pytest), "-m", tier.marker, f"--junitxml={report}", *extra_args, *paths]
    print(f"\n=== {tier.name} tier: {' '.join(command[1:])}", flush=True)
    exit_code = subprocess.run(command, cwd=ROOT, check=False).returncode
    outcome = read_junit(report)
    if exit_code not in (0, 1, PYTEST_NO_TESTS_COLLECTED) and outcome.failed == 0:
        # Interrupted, internal or usage error: pytest may not have recorded a failure.
        outcome.failed = 1
    if exit_code == 1 and outcome.failed == 0:
        outcome.failed = 1
    print(f"=== {tier.name} tier: {outcome.summary()} (pytest exit {exit_code})", flush=True)
    return outcome


def read_junit(report: Path) -> Outcome:
    if not report.is_file():
        return Outcome()
    root = ElementTree.parse(report).getroot()  # noqa: S314 - our own pytest report
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    outcome = Outcome()
    for suite in suites:
        tests = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        outcome.add(Outcome(passed=tests - failed - skipped, failed=failed, skipped=skipped))
    return outcome


def start_platform() -> bool:
    print("\n=== starting the local platform", flush=True)
    command = [sys.executable, str(ROOT / "dev" / "platform.py"), "up"]
    return subprocess.run(command, cwd=ROOT, check=False).returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tier", action="append", choices=[tier.name for tier in TIERS])
    parser.add_argument("pytest_args", nargs="*", help="passed to every pytest run")
    args = parser.parse_args()
    REPORTS.mkdir(parents=True, exist_ok=True)
    wanted = [tier for tier in TIERS if args.tier is None or tier.name in args.tier]
    total = Outcome()
    platform_started = False
    for tier in wanted:
        if tier.needs_platform and not platform_started:
            platform_started = True
            if not start_platform():
                # Still run the tiers: what did start is worth testing, and the tests that
                # need the missing part fail with their own messages.
                print("=== the platform did not fully start (counted as one failure)", flush=True)
                total.failed += 1
        total.add(run_tier(tier, args.pytest_args))
    ran_nothing = total.passed + total.failed == 0
    if ran_nothing:
        print("no tests ran: a test run must execute at least one test", flush=True)
    print(total.summary(), flush=True)
    return 1 if total.failed or ran_nothing else 0


if __name__ == "__main__":
    sys.exit(main())
