"""The platform on a local kind cluster: `uv run python dev/cluster.py images|up|deploy|down`.

See docs/runbooks/local-cluster.md.
"""

import sys
from pathlib import Path

_DEV_DIR = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _DEV_DIR]
sys.path.insert(0, str(_DEV_DIR.parent))

from dev.localcluster.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
