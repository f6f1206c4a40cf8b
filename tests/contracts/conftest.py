"""The contract tests: docs/api against the code, and the producers and consumers of events
against docs/api. The generators live in dev/apicontracts (imported as `dev.apicontracts`,
outside any installed distribution)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
