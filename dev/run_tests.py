"""Runs the test tiers in order and sums their results: `uv run python dev/run_tests.py`.

Tiers: unit (no infrastructure; one pytest-xdist worker per core) -> `dev/platform.py up` ->
integration + component -> system -> cluster (`dev/cluster.py up` and `deploy`: the platform
in the local kind cluster, then the system tests not marked `local_only` and tests/cluster,
through the in-cluster edge). When the run has other tiers before it and the cluster's tooling
is built, the cluster is created and its images built and loaded in the background from the
start (`dev/cluster.py prepare --if-cached`). In CI (CI=true) that cluster is a new one (an
earlier run's is deleted first) and the tier deletes it when it is done.
A tier without tests passes, but the run as a whole fails when no test ran at all.

Coverage (lines and branches) is measured over the unit and integration tiers together, on
libs/chassis/src, every services/*/src and every operators/*/src; when both tiers ran, the
gate applies: every service's domain/ and application/ (each on its own) at least 90 %,
everything measured at least 80 %. A failed gate counts as one failure. HTML report:
.local/coverage/html/.

In CI (CI=true) a skipped test fails unless tests/allowed-skips.txt lists it (conftest.py).
The last line is the total, e.g. `42 passed, 0 failed, 3 skipped`.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / ".local" / "test-reports"
TEST_ROOTS = ("libs", "services", "operators", "tests")
PYTEST_NO_TESTS_COLLECTED = 5

COVERAGE_DATA = ROOT / ".local" / "coverage" / ".coverage"  # as in pyproject.toml
COVERAGE_HTML = ROOT / ".local" / "coverage" / "html"
MEASURED_TIERS = ("unit", "integration")
GATED_LAYERS = ("domain", "application")
LAYER_THRESHOLD = 90.0
OVERALL_THRESHOLD = 80.0


@dataclass(frozen=True)
class Tier:
    name: str
    marker: str
    needs_platform: bool
    # pytest options of this tier; the unit tier shares nothing, so it runs on every core
    # (pytest-xdist: one worker per CPU).
    options: tuple[str, ...] = ()


# The slowest tests of each tier, in the log: where a run's time goes.
SLOWEST = "--durations=15"
TIERS = (
    Tier(
        "unit",
        "not integration and not component and not system and not cluster",
        needs_platform=False,
        options=("-n", "auto"),
    ),
    Tier("integration", "integration or component", needs_platform=True),
    Tier("system", "system", needs_platform=True),
    Tier("cluster", "cluster", needs_platform=False),
)
CLUSTER = ROOT / "dev" / "cluster.py"


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


PREPARE_LOG = REPORTS / "cluster-prepare.log"
# CI (.ci/run sets CI=true): the cluster tier starts from a new cluster and deletes it after.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def start_cluster_preparation() -> subprocess.Popen[bytes]:
    """`dev/cluster.py prepare` in the background, at a lower CPU priority than the tests:
    the cluster is created and the images are built and loaded while the earlier tiers run;
    nothing is installed before the cluster tier. `--if-cached`: only when the cluster's
    tooling is cached; a machine's first build of it (~25 min of compiling) stays in the
    cluster tier, where it competes with no test."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    with PREPARE_LOG.open("wb") as log:
        return subprocess.Popen(
            ["nice", "-n", "10", sys.executable, str(CLUSTER), "prepare", "--if-cached"]
            + (["--fresh"] if IN_CI else []),
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )


def finish_cluster_preparation(preparation: subprocess.Popen[bytes] | None) -> None:
    """Waits for the background preparation and shows its log. Its failure is not the
    tier's: `up` and `deploy` do the same steps again and report what fails."""
    if preparation is None:
        return
    exit_code = preparation.wait()
    print(f"\n=== cluster tier: dev/cluster.py prepare (in the background, exit {exit_code})")
    print(PREPARE_LOG.read_text(errors="replace"), end="", flush=True)


def run_cluster_tier(
    tier: Tier, extra_args: list[str], preparation: subprocess.Popen[bytes] | None = None
) -> Outcome:
    """The cluster, the platform deployed into it, then its tests (dev/localcluster/testing.py
    chooses them and opens the port-forwards)."""
    finish_cluster_preparation(preparation)
    try:
        return _deploy_and_test(tier, extra_args, fresh=IN_CI and preparation is None)
    finally:
        if IN_CI:
            # A CI machine keeps nothing running: a cluster left behind would load the machine
            # and be found, in whatever state, by the next run.
            print(f"\n=== {tier.name} tier: dev/cluster.py down", flush=True)
            subprocess.run([sys.executable, str(CLUSTER), "down"], cwd=ROOT, check=False)


def _deploy_and_test(tier: Tier, extra_args: list[str], *, fresh: bool) -> Outcome:
    report = REPORTS / f"{tier.name}.xml"
    report.unlink(missing_ok=True)
    for step in (["up", "--fresh"] if fresh else ["up"], ["deploy"]):
        print(f"\n=== {tier.name} tier: dev/cluster.py {' '.join(step)}", flush=True)
        if subprocess.run([sys.executable, str(CLUSTER), *step], cwd=ROOT, check=False).returncode:
            print(f"=== {tier.name} tier: `dev/cluster.py {' '.join(step)}` failed", flush=True)
            return Outcome(failed=1)
    command = [
        sys.executable,
        str(CLUSTER),
        "test",
        "--",
        f"--junitxml={report}",
        SLOWEST,
        *extra_args,
    ]
    print(f"\n=== {tier.name} tier: {' '.join(command[1:])}", flush=True)
    exit_code = subprocess.run(command, cwd=ROOT, check=False).returncode
    return _outcome(tier, report, exit_code)


def run_tier(
    tier: Tier, extra_args: list[str], preparation: subprocess.Popen[bytes] | None = None
) -> Outcome:
    if tier.name == "cluster":
        return run_cluster_tier(tier, extra_args, preparation)
    report = REPORTS / f"{tier.name}.xml"
    report.unlink(missing_ok=True)
    paths = [name for name in TEST_ROOTS if (ROOT / name).is_dir()]
    pytest = Path(sys.executable).parent / "pytest"
    coverage = coverage_args() if tier.name in MEASURED_TIERS else []
    command = [
        str(pytest),
        "-m",
        tier.marker,
        f"--junitxml={report}",
        SLOWEST,
        *tier.options,
        *coverage,
        *extra_args,
        *paths,
    ]
    print(f"\n=== {tier.name} tier: {' '.join(command[1:])}", flush=True)
    exit_code = subprocess.run(command, cwd=ROOT, check=False).returncode
    return _outcome(tier, report, exit_code)


def _outcome(tier: Tier, report: Path, exit_code: int) -> Outcome:
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


# ---------------------------------------------------------------------------------------------
# coverage


def measured_sources() -> list[Path]:
    """The code under measurement: the chassis, every service's and every operator's src
    (found, not listed)."""
    return [
        ROOT / "libs" / "chassis" / "src",
        *sorted(ROOT.glob("services/*/src")),
        *sorted(ROOT.glob("operators/*/src")),
    ]


def coverage_args() -> list[str]:
    """pytest-cov options: each measured tier appends to one data file (erased up front)."""
    sources = [f"--cov={path.relative_to(ROOT)}" for path in measured_sources()]
    return [*sources, "--cov-config=pyproject.toml", "--cov-append", "--cov-report="]


def erase_coverage() -> None:
    for stale in COVERAGE_DATA.parent.glob(f"{COVERAGE_DATA.name}*"):
        stale.unlink()
    COVERAGE_DATA.parent.mkdir(parents=True, exist_ok=True)


@dataclass(frozen=True)
class Figure:
    label: str
    percent: float | None  # None: no such package (nothing to measure)
    threshold: float | None  # None: reported, not gated

    @property
    def failed(self) -> bool:
        if self.threshold is None or self.percent is None:
            return False
        return self.percent < self.threshold

    def text(self) -> str:
        if self.percent is None:
            return "-"
        # Rounded down: a figure shown as 90.0% is never under the 90% bar.
        return f"{int(self.percent * 10) / 10:.1f}%"


def report_coverage(gate: bool) -> list[str]:
    """Print the figures per service (and overall), write the HTML report; returns the
    gate's complaints (none when ``gate`` is off, e.g. a run of the unit tier alone)."""
    # Run as a script, this file's directory comes first on sys.path, and dev/platform.py
    # would shadow the standard library's platform module, which coverage imports.
    here = Path(__file__).resolve().parent
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != here]
    from coverage import Coverage
    from coverage.exceptions import NoDataError

    if not COVERAGE_DATA.is_file():
        print("\n=== coverage: no data was recorded", flush=True)
        return ["coverage gate: no coverage data was recorded"] if gate else []
    coverage = Coverage(data_file=str(COVERAGE_DATA), config_file=str(ROOT / "pyproject.toml"))
    coverage.load()
    files = sorted(coverage.get_data().measured_files())

    def percent(directory: Path) -> float | None:
        under = [name for name in files if Path(name).is_relative_to(directory)]
        if not under:
            return None
        try:
            return coverage.report(morfs=under, file=io.StringIO())
        except NoDataError:
            return None

    if gate:
        tiers = f"unit + integration tiers; gate: {' and '.join(GATED_LAYERS)} of each service"
        tiers += f" {LAYER_THRESHOLD:.0f}% each, overall {OVERALL_THRESHOLD:.0f}%"
    else:
        tiers = "not the unit and integration tiers together: gate not applied"
    print(f"\n=== coverage, lines and branches ({tiers})", flush=True)
    print(f"    {'package':<26}{'all':>8}" + "".join(f"{layer:>13}" for layer in GATED_LAYERS))
    figures: list[Figure] = []
    for src in measured_sources():
        for package in sorted(p for p in src.iterdir() if (p / "__init__.py").is_file()):
            whole = Figure(package.name, percent(package), None)
            is_service = src.parts[-3] == "services"
            layers = [
                Figure(f"{package.name}.{layer}", percent(package / layer), LAYER_THRESHOLD)
                for layer in (GATED_LAYERS if is_service else ())
            ]
            cells = "".join(f"{layer.text():>13}" for layer in layers)
            print(f"    {package.name:<26}{whole.text():>8}{cells}", flush=True)
            figures += layers
    overall = Figure("overall", percent(ROOT), OVERALL_THRESHOLD)
    print(f"    {'overall':<26}{overall.text():>8}", flush=True)
    figures.append(overall)
    coverage.html_report(morfs=files, directory=str(COVERAGE_HTML))
    print(f"    HTML report: {(COVERAGE_HTML / 'index.html').relative_to(ROOT)}", flush=True)
    if not gate:
        return []
    return [
        f"coverage gate: {figure.label} is at {figure.text()}, under {figure.threshold:.0f}%"
        for figure in figures
        if figure.failed
    ]


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
    measured = [tier.name for tier in wanted if tier.name in MEASURED_TIERS]
    if measured:
        erase_coverage()
    preparation = None
    if any(tier.name == "cluster" for tier in wanted) and len(wanted) > 1:
        preparation = start_cluster_preparation()
    for tier in wanted:
        if tier.needs_platform and not platform_started:
            platform_started = True
            if not start_platform():
                # Still run the tiers: what did start is worth testing, and the tests that
                # need the missing part fail with their own messages.
                print("=== the platform did not fully start (counted as one failure)", flush=True)
                total.failed += 1
        total.add(run_tier(tier, args.pytest_args, preparation))
    if measured:
        gate = set(measured) == set(MEASURED_TIERS)
        try:
            complaints = report_coverage(gate)
        except Exception as error:  # the total must still be the last line
            complaints = [f"coverage gate: the coverage report failed: {error!r}"]
        for complaint in complaints:
            print(complaint, flush=True)
        if complaints:
            print("=== the coverage gate failed (counted as one failure)", flush=True)
            total.failed += 1
    ran_nothing = total.passed + total.failed == 0
    if ran_nothing:
        print("no tests ran: a test run must execute at least one test", flush=True)
    print(total.summary(), flush=True)
    return 1 if total.failed or ran_nothing else 0


if __name__ == "__main__":
    sys.exit(main())
