"""Events on RabbitMQ: topology, broker factory, CloudEvents envelope, idempotent consumers
with delayed retries and dead-lettering. (Re-driving dead letters, a command:
``catalog_chassis.messaging.redrive``.)"""

from catalog_chassis.messaging.backoff import Backoff
from catalog_chassis.messaging.broker import make_broker
from catalog_chassis.messaging.cloudevents import (
    CLOUDEVENTS_CONTENT_TYPE,
    CloudEvent,
    cloud_event_from,
    event_source,
)
from catalog_chassis.messaging.consumer import (
    EventHandler,
    EventSubscription,
    Processing,
    claim_event,
    event_subscriber,
    parse_cloud_event,
    subscribe_processing,
)
from catalog_chassis.messaging.migration import LegacyQueue, migrate_legacy_queues
from catalog_chassis.messaging.retry import (
    DEFAULT_RETRY_SCHEDULE,
    PERMANENT_ERRORS,
    PoisonMessage,
    RetrySchedule,
    is_permanent,
)
from catalog_chassis.messaging.runner import (
    run_consumer_process,
    run_consumers,
    run_until_stopped,
    serve_consumers,
)
from catalog_chassis.messaging.topology import (
    DEAD_LETTER_EXCHANGE,
    DEAD_LETTER_EXCHANGE_NAME,
    DEFAULT_DELIVERY_LIMIT,
    EVENTS_EXCHANGE,
    EVENTS_EXCHANGE_NAME,
    RETRY_EXCHANGE,
    RETRY_EXCHANGE_NAME,
    ConsumerQueue,
    consumer_queue,
    declare_consumer_topology,
    declare_events_exchange,
)

__all__ = [
    "CLOUDEVENTS_CONTENT_TYPE",
    "DEAD_LETTER_EXCHANGE",
    "DEAD_LETTER_EXCHANGE_NAME",
    "DEFAULT_DELIVERY_LIMIT",
    "DEFAULT_RETRY_SCHEDULE",
    "EVENTS_EXCHANGE",
    "EVENTS_EXCHANGE_NAME",
    "PERMANENT_ERRORS",
    "RETRY_EXCHANGE",
    "RETRY_EXCHANGE_NAME",
    "Backoff",
    "CloudEvent",
    "ConsumerQueue",
    "EventHandler",
    "EventSubscription",
    "LegacyQueue",
    "PoisonMessage",
    "Processing",
    "RetrySchedule",
    "claim_event",
    "cloud_event_from",
    "consumer_queue",
    "declare_consumer_topology",
    "declare_events_exchange",
    "event_source",
    "event_subscriber",
    "is_permanent",
    "make_broker",
    "migrate_legacy_queues",
    "parse_cloud_event",
    "run_consumer_process",
    "run_consumers",
    "run_until_stopped",
    "serve_consumers",
    "subscribe_processing",
]
