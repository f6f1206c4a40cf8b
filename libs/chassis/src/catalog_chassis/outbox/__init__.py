"""Transactional outbox: the unit of work writes events with the change, the relay publishes."""

from catalog_chassis.outbox.listener import OUTBOX_CHANNEL, NotificationListener
from catalog_chassis.outbox.relay import (
    OutboxRelay,
    RelayOptions,
    RelayRound,
    run_relay,
)
from catalog_chassis.outbox.uow import SqlAlchemyUnitOfWork, outbox_row

__all__ = [
    "OUTBOX_CHANNEL",
    "NotificationListener",
    "OutboxRelay",
    "RelayOptions",
    "RelayRound",
    "SqlAlchemyUnitOfWork",
    "outbox_row",
    "run_relay",
]
