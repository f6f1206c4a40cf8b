"""`store reindex`: the rebuild as a batch job."""

from __future__ import annotations

import pytest

from store_service.config import StoreSettings
from store_service.entrypoints import cli


class Stop(Exception):
    pass


@pytest.mark.parametrize(("configured", "used"), [(5.0, 60.0), (90.0, 90.0)])
async def test_reindex_gives_the_search_engine_at_least_a_minute_per_request(
    monkeypatch, configured, used
):
    seen: list[StoreSettings] = []

    def bootstrap(settings: StoreSettings):
        seen.append(settings)
        raise Stop

    monkeypatch.setattr(cli, "bootstrap", bootstrap)
    with pytest.raises(Stop):
        await cli.reindex(StoreSettings(search_timeout_seconds=configured))

    assert seen[0].search_timeout_seconds == used
