"""Starting the publication saga.

The saga runs on the process engine, whose adapter plugs in here through the
``PublicationSaga`` port. Without an engine configured, ``AwaitingEngine`` starts nothing: the
offering stays PUBLISHING, and the ``offering.publication_initiated`` event written in the
same transaction is the durable record of the request, from which a saga can be started
once an engine runs. It never reports a publication as done.
"""

from __future__ import annotations

import logging

from offering_service.domain.model import Offering

logger = logging.getLogger(__name__)


class AwaitingEngine:
    async def start(self, offering: Offering) -> None:
        logger.warning(
            "no publication engine configured: offering %s stays PUBLISHING (saga %s)",
            offering.id,
            offering.saga_id,
        )
