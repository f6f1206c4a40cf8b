"""The FastStream RabbitMQ broker every service process uses, configured once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from faststream._internal.types import BrokerMiddleware
from faststream.rabbit import Channel, RabbitBroker
from faststream.rabbit.opentelemetry import RabbitTelemetryMiddleware

# FastStream's own lines (connections, and each message Received / Processed with its queue,
# exchange and message id as fields) go through this logger, so they are the platform's JSON
# lines; FastStream's default logger would print unstructured, coloured text beside them.
# FastStream writes Received / Processed outside the broker's middlewares, before the
# message's correlation id and trace are set: those two lines have the message id, which the
# handler's own lines share through the event id, but no correlation or trace id.
MESSAGING_LOGGER = logging.getLogger("catalog.messaging")


def make_broker(
    url: str,
    *,
    app_id: str | None = None,
    prefetch_count: int = 20,
    reconnect_interval: float = 2.0,
    fail_fast: bool = True,
    middlewares: Sequence[BrokerMiddleware[Any, Any]] = (),
    log_level: int = logging.INFO,
) -> RabbitBroker:
    """A RabbitBroker with publisher confirms and W3C trace context in the AMQP headers.

    Publisher confirms make ``publish`` return only once RabbitMQ has taken responsibility
    for the message, which is what lets the outbox relay mark a row SENT. The OpenTelemetry
    middleware injects ``traceparent`` into published headers and continues the trace from
    them when consuming. The connection is aio-pika's robust one: it reconnects by itself.
    """
    return RabbitBroker(
        url,
        app_id=app_id,
        default_channel=Channel(publisher_confirms=True, prefetch_count=prefetch_count),
        reconnect_interval=reconnect_interval,
        fail_fast=fail_fast,
        middlewares=(RabbitTelemetryMiddleware(), *middlewares),
        logger=MESSAGING_LOGGER,
        log_level=log_level,
    )
