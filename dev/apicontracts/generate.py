"""Generates the committed contracts in docs/api from the code.

- ``docs/api/<service>.openapi.json``: ``app.openapi()`` of each service's real app, built
  as ``create_app`` builds it. Building the app connects to nothing (the database engine
  connects on first use), so no database is needed.
- ``docs/api/events/<routing key>.schema.json``: a JSON Schema (2020-12) per event type on
  ``catalog.events``: the CloudEvents envelope (from the chassis' ``CloudEvent`` model), with
  ``type``, ``source`` and ``subject`` pinned for the event and ``data`` the aggregate's
  snapshot. The snapshot's schema is the service's ``*Public`` response model: the API body
  and the event ``data`` are the same snapshot (ARCHITECTURE.md, "Events"), so one model
  describes both; it is closed (``additionalProperties: false``) so a producer cannot add
  or drop a field unnoticed.
- ``docs/api/events/index.json``: every event type with its producer, schema, example and
  the consumer queues bound to it (read from the services' consumer modules).

Every file is written in one canonical form (sorted keys, two-space indent), so that the
committed text is what the code generates, byte for byte.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from jsonschema import Draft202012Validator, FormatChecker
from pydantic import BaseModel

from catalog_chassis.auth import TokenVerifier
from catalog_chassis.domain import VersionedAggregate
from catalog_chassis.messaging import EVENTS_EXCHANGE_NAME, CloudEvent, ConsumerQueue, event_source

ROOT = Path(__file__).resolve().parents[2]
API_DOCS = ROOT / "docs" / "api"
EVENT_DOCS = API_DOCS / "events"
EXAMPLES = EVENT_DOCS / "examples"
INDEX_FILE = "index.json"
REGENERATE = "run `make api-docs` (uv run python dev/api_contracts.py write) and commit the result"

SERVICES = ("identity", "characteristic", "specification", "pricing", "offering", "store")
# Only handed to the engine, which connects on first use: generating never does.
OFFLINE_DATABASE_URL = "postgresql+asyncpg://openapi@127.0.0.1:9/openapi"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

Document = dict[str, Any]


def canonical_json(document: Any) -> str:
    """The one text form of every generated file."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def diff_excerpt(committed: str, generated: str, name: str, *, lines_shown: int = 60) -> str:
    """The start of a unified diff from the committed text to the generated one."""
    lines = list(
        difflib.unified_diff(
            committed.splitlines(),
            generated.splitlines(),
            fromfile=f"{name} (committed)",
            tofile=f"{name} (generated from the code)",
            lineterm="",
        )
    )
    hidden = len(lines) - lines_shown
    return "\n".join(lines[:lines_shown]) + (f"\n... {hidden} more lines" if hidden > 0 else "")


def openapi_path(service: str) -> Path:
    return API_DOCS / f"{service}.openapi.json"


# ---------------------------------------------------------------------------------------------
# OpenAPI


async def _no_keys() -> dict[str, Any]:
    return {"keys": []}


def _offline_verifier() -> TokenVerifier:
    return TokenVerifier(key_source=_no_keys, issuer="openapi", audience="openapi")


def _settings(**extra: Any) -> dict[str, Any]:
    return {"database_url": OFFLINE_DATABASE_URL, "environment": "development", **extra}


def _identity_app(workdir: Path) -> FastAPI:
    from joserfc.jwk import RSAKey

    from identity_service.config import IdentitySettings
    from identity_service.entrypoints.api import create_app

    key_file = workdir / "jwt-private.pem"  # the app loads its signing key at start
    key_file.write_bytes(RSAKey.generate_key(2048).as_pem(private=True))
    app: FastAPI = create_app(IdentitySettings(**_settings(jwt_private_key_file=key_file)))
    return app


def _characteristic_app(_: Path) -> FastAPI:
    from characteristic_service.config import CharacteristicSettings
    from characteristic_service.entrypoints.api import create_app

    settings = CharacteristicSettings(**_settings())
    app: FastAPI = create_app(settings, token_verifier=_offline_verifier())
    return app


def _specification_app(_: Path) -> FastAPI:
    from specification_service.config import SpecificationSettings
    from specification_service.entrypoints.api import create_app

    settings = SpecificationSettings(**_settings())
    app: FastAPI = create_app(settings, token_verifier=_offline_verifier())
    return app


def _pricing_app(_: Path) -> FastAPI:
    from pricing_service.config import PricingSettings
    from pricing_service.entrypoints.api import create_app

    settings = PricingSettings(**_settings())
    app: FastAPI = create_app(settings, token_verifier=_offline_verifier())
    return app


def _offering_app(_: Path) -> FastAPI:
    from offering_service.config import OfferingSettings
    from offering_service.entrypoints.api import create_app

    settings = OfferingSettings(**_settings())
    app: FastAPI = create_app(settings, token_verifier=_offline_verifier())
    return app


def _store_app(_: Path) -> FastAPI:
    from store_service.config import StoreSettings
    from store_service.entrypoints.api import create_app

    settings = StoreSettings(service_name="store", environment="development")
    app: FastAPI = create_app(settings, token_verifier=_offline_verifier())
    return app


APP_BUILDERS: dict[str, Callable[[Path], FastAPI]] = {
    "identity": _identity_app,
    "characteristic": _characteristic_app,
    "specification": _specification_app,
    "pricing": _pricing_app,
    "offering": _offering_app,
    "store": _store_app,
}


async def _close(app: FastAPI) -> None:
    container = app.state.container
    close = getattr(container, "aclose", None)
    if close is not None:
        await close()
    else:
        await container.engine.dispose()


def openapi_document(service: str) -> Document:
    """The service's OpenAPI document, as its running app serves it at /openapi.json."""
    with tempfile.TemporaryDirectory(prefix="openapi-") as workdir:
        app = APP_BUILDERS[service](Path(workdir))
        try:
            document: Document = json.loads(json.dumps(app.openapi()))
        finally:
            asyncio.run(_close(app))
    return document


@cache
def openapi_documents() -> dict[str, Document]:
    return {service: openapi_document(service) for service in SERVICES}


# ---------------------------------------------------------------------------------------------
# Events


@dataclass(frozen=True)
class AggregateEvents:
    """The events one aggregate publishes: ``<aggregate>.<action>`` for each action."""

    producer: str  # the service, whose outbox names the source /catalog/<producer>
    aggregate: type[VersionedAggregate]
    snapshot_model: type[BaseModel]
    actions: tuple[str, ...]
    resource_path: str

    @property
    def aggregate_type(self) -> str:
        return self.aggregate.AGGREGATE_TYPE

    def event_type(self, action: str) -> str:
        # As VersionedAggregate names them; the producer tests check that these agree.
        return self.aggregate.EVENT_PREFIX + "".join(p.capitalize() for p in action.split("_"))

    def routing_key(self, action: str) -> str:
        return f"{self.aggregate_type}.{action}"


@dataclass(frozen=True)
class EventContract:
    producer: str
    aggregate_type: str
    action: str
    event_type: str
    routing_key: str
    snapshot_model: type[BaseModel]
    resource_path: str

    @property
    def schema_file(self) -> str:
        return f"{self.routing_key}.schema.json"

    @property
    def example_file(self) -> str:
        return f"{self.routing_key}.json"


def aggregate_events() -> tuple[AggregateEvents, ...]:
    """Every aggregate that publishes on catalog.events (ARCHITECTURE.md, "Events")."""
    from characteristic_service.domain.model import Characteristic
    from characteristic_service.entrypoints.schemas import CharacteristicPublic
    from offering_service.domain.model import Offering
    from offering_service.entrypoints.schemas import OfferingPublic
    from pricing_service.domain.model import Price
    from pricing_service.entrypoints.schemas import PricePublic
    from specification_service.domain.model import Specification
    from specification_service.entrypoints.schemas import SpecificationPublic

    crud = ("created", "updated", "deleted")
    return (
        AggregateEvents(
            "characteristic",
            Characteristic,
            CharacteristicPublic,
            crud,
            "/api/v1/characteristics/{characteristic_id}",
        ),
        AggregateEvents(
            "specification",
            Specification,
            SpecificationPublic,
            crud,
            "/api/v1/specifications/{specification_id}",
        ),
        AggregateEvents(
            "pricing",
            Price,
            PricePublic,
            (*crud, "locked", "unlocked"),
            "/api/v1/prices/{price_id}",
        ),
        AggregateEvents(
            "offering",
            Offering,
            OfferingPublic,
            (
                *crud,
                "publication_initiated",
                "published",
                "publication_failed",
                "retired",
            ),
            "/api/v1/offerings/{offering_id}",
        ),
    )


def event_contracts() -> list[EventContract]:
    return [
        EventContract(
            producer=events.producer,
            aggregate_type=events.aggregate_type,
            action=action,
            event_type=events.event_type(action),
            routing_key=events.routing_key(action),
            snapshot_model=events.snapshot_model,
            resource_path=events.resource_path,
        )
        for events in aggregate_events()
        for action in events.actions
    ]


def snapshot_schema(model: type[BaseModel]) -> Document:
    """The JSON a model serializes to (camelCase), closed to other properties; its own
    ``$defs`` are returned inside it, referenced as ``#/$defs/<name>``."""
    schema = model.model_json_schema(by_alias=True, mode="serialization")
    schema["additionalProperties"] = False
    return schema


def event_schema(contract: EventContract) -> Document:
    envelope = CloudEvent.model_json_schema(mode="serialization")
    data = snapshot_schema(contract.snapshot_model)
    definitions: dict[str, Any] = data.pop("$defs", {})
    data_name = contract.snapshot_model.__name__
    definitions[data_name] = data
    properties = envelope["properties"]
    properties["type"] = {
        "const": contract.event_type,
        "description": "The event type.",
        "title": "Type",
        "type": "string",
    }
    properties["source"] = {
        "const": event_source(contract.producer),
        "description": "The producing service.",
        "title": "Source",
        "type": "string",
    }
    properties["subject"] = {
        **data["properties"]["id"],
        "description": "The aggregate's id (data.id).",
        "title": "Subject",
    }
    properties["data"] = {
        "$ref": f"#/$defs/{data_name}",
        "description": (
            f"The {contract.aggregate_type}'s snapshot after the change, including its "
            f"version: the body GET {contract.resource_path} returns."
        ),
    }
    # Fields with a default other than None are always sent (the outbox drops only the
    # None-valued ones, i.e. a missing correlation id).
    envelope["required"] = [
        name
        for name, field in CloudEvent.model_fields.items()
        if field.is_required() or field.default is not None
    ]
    envelope.update(
        {
            "$schema": JSON_SCHEMA_DIALECT,
            "$defs": definitions,
            "title": contract.event_type,
            "description": (
                f"{contract.event_type}: published by the {contract.producer} service on the "
                f"topic exchange {EVENTS_EXCHANGE_NAME} with routing key "
                f"{contract.routing_key}, as a CloudEvents 1.0 structured-mode JSON body "
                "(W3C traceparent in the AMQP headers)."
            ),
            "x-exchange": EVENTS_EXCHANGE_NAME,
            "x-routing-key": contract.routing_key,
        }
    )
    return envelope


def consumer_queues() -> dict[str, list[ConsumerQueue]]:
    """The consumer queues each service declares, by service."""
    import importlib

    queues: dict[str, list[ConsumerQueue]] = {}
    for service in SERVICES:
        name = f"{service}_service.entrypoints.consumers"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise
            continue  # a service that consumes no events
        found = [value for value in vars(module).values() if isinstance(value, ConsumerQueue)]
        # A service may declare its queues in a mapping (one per kind of aggregate).
        for value in vars(module).values():
            if isinstance(value, dict):
                found += [each for each in value.values() if isinstance(each, ConsumerQueue)]
        queues[service] = sorted(found, key=lambda queue: queue.name)
    return queues


def topic_matches(binding_key: str, routing_key: str) -> bool:
    """RabbitMQ topic matching: ``*`` is exactly one word, ``#`` zero or more."""

    def match(binding: list[str], routing: list[str]) -> bool:
        if not binding:
            return not routing
        if binding[0] == "#":
            return any(match(binding[1:], routing[skip:]) for skip in range(len(routing) + 1))
        if not routing or binding[0] not in ("*", routing[0]):
            return False
        return match(binding[1:], routing[1:])

    return match(binding_key.split("."), routing_key.split("."))


def events_index(contracts: list[EventContract]) -> Document:
    queues = consumer_queues()
    return {
        "exchange": EVENTS_EXCHANGE_NAME,
        "description": (
            "Every event type on the catalog.events topic exchange. Each schema file is a "
            "JSON Schema (2020-12) of the whole CloudEvents message body; each example "
            "file is a message that satisfies it. Regenerate with `make api-docs`."
        ),
        "events": [
            {
                "consumers": [
                    {"queue": queue.name, "service": service}
                    for service, declared in queues.items()
                    for queue in declared
                    if any(topic_matches(key, contract.routing_key) for key in queue.binding_keys)
                ],
                "example": f"examples/{contract.example_file}",
                "producer": contract.producer,
                "routingKey": contract.routing_key,
                "schema": contract.schema_file,
                "source": event_source(contract.producer),
                "type": contract.event_type,
            }
            for contract in contracts
        ],
    }


@cache
def event_documents() -> dict[str, Document]:
    """File name (under docs/api/events) → document."""
    contracts = event_contracts()
    documents = {contract.schema_file: event_schema(contract) for contract in contracts}
    documents[INDEX_FILE] = events_index(contracts)
    return documents


# ---------------------------------------------------------------------------------------------
# Validating events


def _is_rfc3339_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    shape = r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)"
    if re.fullmatch(shape, value) is None:
        return False
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))  # ValueError if impossible
    return True


def format_checker() -> FormatChecker:
    """jsonschema's format checks plus RFC 3339 ``date-time``, which jsonschema checks only
    with an optional package installed."""
    checker = FormatChecker()
    checker.checks("date-time", raises=ValueError)(_is_rfc3339_date_time)
    return checker


def committed_event_schema(routing_key: str) -> Document:
    schema: Document = json.loads((EVENT_DOCS / f"{routing_key}.schema.json").read_text())
    return schema


def validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=format_checker())


def event_errors(schema: Mapping[str, Any], event: Mapping[str, Any]) -> list[str]:
    """Why ``event`` does not satisfy ``schema`` (empty when it does), one line per error."""
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(the event)'}: {error.message}"
        for error in sorted(validator(schema).iter_errors(event), key=lambda e: e.json_path)
    ]


# ---------------------------------------------------------------------------------------------
# Writing and checking the files


def generated_files() -> dict[Path, str]:
    """Every generated file and its text."""
    files = {
        openapi_path(service): canonical_json(document)
        for service, document in openapi_documents().items()
    }
    for name, document in event_documents().items():
        files[EVENT_DOCS / name] = canonical_json(document)
    return files


def _generated_patterns() -> Iterator[Path]:
    yield from API_DOCS.glob("*.openapi.json")
    yield from EVENT_DOCS.glob("*.schema.json")


def leftover_files(generated: Mapping[Path, str]) -> list[Path]:
    """Committed files of a generated kind that the code no longer generates."""
    return sorted(path for path in _generated_patterns() if path not in generated)


def stale_files() -> list[str]:
    """What differs between docs/api and what the code generates; empty when current."""
    generated = generated_files()
    problems = []
    for path, text in generated.items():
        relative = path.relative_to(ROOT)
        if not path.is_file():
            problems.append(f"{relative} is missing")
        elif path.read_text() != text:
            problems.append(f"{relative} differs from what the code generates")
    problems += [
        f"{path.relative_to(ROOT)} is no longer generated" for path in leftover_files(generated)
    ]
    return problems


def write() -> list[Path]:
    """Write every generated file, remove the ones no longer generated; returns the changed."""
    generated = generated_files()
    changed = []
    for path, text in generated.items():
        if not path.is_file() or path.read_text() != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            changed.append(path)
    for path in leftover_files(generated):
        path.unlink()
        changed.append(path)
    return changed
