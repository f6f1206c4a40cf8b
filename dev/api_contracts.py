"""The API contracts in docs/api: `uv run python dev/api_contracts.py write|check|breaking`.

`write` (also `make api-docs`) regenerates each service's OpenAPI document and the event
schemas from the code; see docs/api/README.md and dev/apicontracts/.
"""

import sys
from pathlib import Path

# Run as a script, this directory is first on sys.path; the package is imported from the
# repository root, as `dev.apicontracts`, like the tests import it.
_DEV_DIR = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _DEV_DIR]
sys.path.insert(0, str(_DEV_DIR.parent))

from dev.apicontracts.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
