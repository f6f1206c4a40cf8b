"""Structured logging: one JSON object per line on stdout, for humans and for ELK alike.

Every line carries the service name, the correlation id of the request or message being
handled and the ids of the current OpenTelemetry span, so a log line leads to its trace.
uvicorn's own loggers are routed through the same formatter (see `uvicorn_log_config`).
"""

from __future__ import annotations

import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from catalog_chassis.context import get_correlation_id

# LogRecord attributes that become fixed keys of every line, not "extra" fields; uvicorn's
# color_message only duplicates the message with terminal escapes.
_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "color_message"}
)


class ServiceJsonFormatter(JsonFormatter):
    """Formats a record as the platform's JSON log line; `extra={...}` fields are kept."""

    def __init__(self, service_name: str) -> None:
        super().__init__(reserved_attrs=sorted(_STANDARD_ATTRIBUTES))
        self.service_name = service_name

    def add_fields(
        self,
        log_data: dict[str, Any],
        record: logging.LogRecord,
        message_dict: dict[str, Any],
    ) -> None:
        span_context = trace.get_current_span().get_span_context()
        traced = span_context.is_valid
        log_data.update(
            {
                "timestamp": _iso_utc(record.created),
                "level": record.levelname,
                "service": self.service_name,
                "logger": record.name,
                "message": record.getMessage(),
                "correlation_id": get_correlation_id(),
                "trace_id": trace.format_trace_id(span_context.trace_id) if traced else None,
                "span_id": trace.format_span_id(span_context.span_id) if traced else None,
            }
        )
        log_data.update(self.fields_of(record))
        # message_dict holds exc_info/stack_info (and the keys of a dict message)
        log_data.update(message_dict)
        super().add_fields(log_data, record, {})

    def fields_of(self, record: logging.LogRecord) -> dict[str, Any]:
        """Extra fields a subclass derives from the record itself."""
        return {}


class AccessJsonFormatter(ServiceJsonFormatter):
    """uvicorn's access records carry the request in `args`; lift it into fields."""

    def fields_of(self, record: logging.LogRecord) -> dict[str, Any]:
        args = record.args
        # uvicorn logs '%s - "%s %s HTTP/%s" %d' with (client, method, path, version, status)
        if isinstance(args, tuple) and len(args) == 5:
            client, method, path, http_version, status = args
            return {
                "client": client,
                "method": method,
                "path": path,
                "http_version": http_version,
                "status": status,
            }
        return {}


def uvicorn_log_config(service_name: str, level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` mapping, usable as uvicorn's `log_config`.

    The root logger writes JSON to stdout; uvicorn's error logger propagates to it and its
    access logger gets a formatter that turns the request line into fields.
    """
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": ServiceJsonFormatter, "service_name": service_name},
            "access": {"()": AccessJsonFormatter, "service_name": service_name},
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "access",
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.access": {"handlers": ["access"], "level": level, "propagate": False},
        },
    }


def configure_logging(service_name: str, level: str = "INFO") -> None:
    """Route all logging (including uvicorn's) to JSON on stdout. Safe to call repeatedly.

    uvicorn configures its loggers before it builds the app, so calling this from the app
    factory replaces uvicorn's plain-text handlers with the JSON ones.
    """
    logging.config.dictConfig(uvicorn_log_config(service_name, level))


def _iso_utc(created: float) -> str:
    moment = datetime.fromtimestamp(created, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
