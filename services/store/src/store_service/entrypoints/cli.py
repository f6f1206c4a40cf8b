"""Operational commands: `python -m store_service.entrypoints.cli reindex`.

`reindex` rebuilds the documents and the search index from the write services; searches
keep being answered from the old index until the new one is switched in.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from store_service.bootstrap import bootstrap
from store_service.config import StoreSettings

logger = logging.getLogger("store_service.reindex")

# A batch job, not a request: its bulk requests of 500 documents and the index's refresh
# may take longer than a search should on a busy machine.
REINDEX_SEARCH_TIMEOUT_SECONDS = 60.0


async def reindex(settings: StoreSettings) -> int:
    timeout = max(settings.search_timeout_seconds, REINDEX_SEARCH_TIMEOUT_SECONDS)
    container = bootstrap(settings.model_copy(update={"search_timeout_seconds": timeout}))
    try:
        await container.prepare()
        return await container.rebuild.run()
    finally:
        await container.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="store")
    parser.add_argument("command", choices=["reindex"])
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.command == "reindex":
        count = asyncio.run(reindex(StoreSettings()))
        logger.info("reindexed %d published offerings", count)


if __name__ == "__main__":
    main()
