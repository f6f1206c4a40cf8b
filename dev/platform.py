"""The local platform: `uv run python dev/platform.py up|down|status|logs|migrate`.

Runs the whole catalog on this machine without Docker or Kubernetes; see
docs/runbooks/local-platform.md.
"""

import sys
from pathlib import Path

_DEV_DIR = Path(__file__).resolve().parent
# This script shares its name with the standard library's `platform` module. Python puts the
# script's directory first on sys.path, which would make every `import platform` (httpx and
# others do it) load this file instead; import the package from the repository root instead.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _DEV_DIR]
sys.path.insert(0, str(_DEV_DIR.parent))

from dev.localplatform.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
