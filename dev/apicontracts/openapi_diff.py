"""Which differences between two versions of an OpenAPI document break existing clients.

Written here rather than taken from PyPI on purpose. The maintained differ is oasdiff, a Go
program that is not on PyPI; the Python packages that diff OpenAPI documents are either for
Swagger 2.0 only and unmaintained since 2021 (swagger-spec-compatibility), pinned to
2019-era validators (openapispecdiff), or new single-author alphas that check little more
than removed paths (api-diff-sentinel, breakwatch, openapi-lens), and none reads
status codes, request bodies or enums the way we need. ``openapi-spec-validator`` validates
one document; it does not compare two. What the catalog needs is small: FastAPI writes
OpenAPI 3.1 whose schemas are pydantic's JSON Schema, with ``$ref`` into
``components/schemas``, ``anyOf`` for optional types, and enums as components.

A change is breaking when a client that worked against the old document can fail against
the new one:

- a path removed, or an operation (method) removed from a path;
- a response status code removed from an operation;
- a parameter that is new and required, or that was optional and became required;
- a request body that was optional (or absent) and became required; a request media type
  removed; a request-body property that is new and required or became required;
- a type narrowed in what clients send (parameters, request bodies): a JSON type no longer
  accepted (``string`` → ``integer``, ``string|null`` → ``string``), enum values removed;
- a type narrowed in what clients send when an enum is imposed on a value that had none;
- a type changed in what clients read (response bodies): a JSON type the response may now
  hold that it could not before (``string`` → ``integer``, ``string`` → ``string|null``), a
  response property removed, or one that was always present (required) no longer so.

Additions clients need not know of (paths, operations, optional parameters and properties,
response codes, response properties, enum values) are not breaking; nor is a removed
parameter (servers ignore unknown query parameters). Not covered, by choice: ``allOf``
composition (pydantic does not emit it), security requirements, headers, and constraints
such as ``maxLength`` or ``pattern``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

Schema = Mapping[str, Any]


@dataclass(frozen=True, order=True)
class BreakingChange:
    """``where``: the operation (``GET /api/v1/prices``) or path; ``what``: the change."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def breaking_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[BreakingChange]:
    """The changes from ``old`` to ``new`` that break clients of ``old`` (sorted)."""
    differ = _Differ(old, new)
    return sorted(set(differ.paths()))


class _Differ:
    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        self.old_doc, self.new_doc = old, new

    def paths(self) -> Iterator[BreakingChange]:
        old_paths, new_paths = self.old_doc.get("paths", {}), self.new_doc.get("paths", {})
        for path, old_item in old_paths.items():
            new_item = new_paths.get(path)
            if new_item is None:
                yield BreakingChange(path, "path removed")
                continue
            for method in HTTP_METHODS:
                if method not in old_item:
                    continue
                where = f"{method.upper()} {path}"
                if method not in new_item:
                    yield BreakingChange(where, "operation removed")
                    continue
                yield from self.operation(where, old_item, new_item, method)

    def operation(
        self, where: str, old_item: Mapping[str, Any], new_item: Mapping[str, Any], method: str
    ) -> Iterator[BreakingChange]:
        old_op, new_op = old_item[method], new_item[method]
        for status in old_op.get("responses", {}):
            if status not in new_op.get("responses", {}):
                yield BreakingChange(where, f"response {status} removed")
        yield from self.parameters(where, old_item, new_item, old_op, new_op)
        yield from self.request_body(where, old_op.get("requestBody"), new_op.get("requestBody"))
        for status, old_response in old_op.get("responses", {}).items():
            new_response = new_op.get("responses", {}).get(status)
            if new_response is not None:
                yield from self.response(where, status, old_response, new_response)

    # -- parameters ----------------------------------------------------------------------------

    def parameters(
        self,
        where: str,
        old_item: Mapping[str, Any],
        new_item: Mapping[str, Any],
        old_op: Mapping[str, Any],
        new_op: Mapping[str, Any],
    ) -> Iterator[BreakingChange]:
        old_params = self._parameters(self.old_doc, old_item, old_op)
        new_params = self._parameters(self.new_doc, new_item, new_op)
        for key, new_param in new_params.items():
            label = f"{key[0]} parameter '{key[1]}'"
            old_param = old_params.get(key)
            if new_param.get("required", False) and not (old_param or {}).get("required", False):
                became = "new and required" if old_param is None else "became required"
                yield BreakingChange(where, f"{label} {became}")
            if old_param is not None:
                yield from self.schema_change(
                    where,
                    label,
                    old_param.get("schema", {}),
                    new_param.get("schema", {}),
                    sent=True,
                )

    @staticmethod
    def _parameters(
        document: Mapping[str, Any], item: Mapping[str, Any], operation: Mapping[str, Any]
    ) -> dict[tuple[str, str], Mapping[str, Any]]:
        found: dict[tuple[str, str], Mapping[str, Any]] = {}
        for raw in [*item.get("parameters", []), *operation.get("parameters", [])]:
            parameter = _resolve(document, raw)
            found[(parameter["in"], parameter["name"])] = parameter
        return found

    # -- bodies --------------------------------------------------------------------------------

    def request_body(
        self, where: str, old_raw: Mapping[str, Any] | None, new_raw: Mapping[str, Any] | None
    ) -> Iterator[BreakingChange]:
        if new_raw is None:
            return
        new_body = _resolve(self.new_doc, new_raw)
        old_body = _resolve(self.old_doc, old_raw) if old_raw is not None else None
        if new_body.get("required", False) and not (old_body or {}).get("required", False):
            yield BreakingChange(where, "request body became required")
        if old_body is None:
            return
        old_content, new_content = old_body.get("content", {}), new_body.get("content", {})
        for media_type, old_media in old_content.items():
            new_media = new_content.get(media_type)
            if new_media is None:
                yield BreakingChange(where, f"request media type {media_type} removed")
                continue
            yield from self.schema_change(
                where,
                f"request body ({media_type})",
                old_media.get("schema", {}),
                new_media.get("schema", {}),
                sent=True,
            )

    def response(
        self, where: str, status: str, old_raw: Mapping[str, Any], new_raw: Mapping[str, Any]
    ) -> Iterator[BreakingChange]:
        old_response = _resolve(self.old_doc, old_raw)
        new_response = _resolve(self.new_doc, new_raw)
        new_content = new_response.get("content", {})
        for media_type, old_media in old_response.get("content", {}).items():
            new_media = new_content.get(media_type)
            if new_media is None:
                yield BreakingChange(where, f"response {status} media type {media_type} removed")
                continue
            yield from self.schema_change(
                where,
                f"response {status} ({media_type})",
                old_media.get("schema", {}),
                new_media.get("schema", {}),
                sent=False,
            )

    # -- schemas -------------------------------------------------------------------------------

    def schema_change(
        self,
        where: str,
        label: str,
        old_raw: Schema,
        new_raw: Schema,
        *,
        sent: bool,
        seen: frozenset[tuple[str, str]] = frozenset(),
    ) -> Iterator[BreakingChange]:
        """``sent``: clients send what the schema describes (parameters, request bodies),
        so it may only widen; otherwise they read it (responses), so it may only narrow."""
        refs = (old_raw.get("$ref", ""), new_raw.get("$ref", ""))
        if refs != ("", "") and refs in seen:
            return  # a recursive schema: this pair is being compared further up
        seen = seen | {refs}
        old, new = _resolve(self.old_doc, old_raw), _resolve(self.new_doc, new_raw)
        old_types, new_types = _json_types(self.old_doc, old), _json_types(self.new_doc, new)
        if old_types is not None and new_types is not None:
            lost, gained = old_types - new_types, new_types - old_types
            if sent and lost:
                yield BreakingChange(where, f"{label}: type no longer accepts {_listed(lost)}")
            if not sent and gained:
                yield BreakingChange(where, f"{label}: type may now be {_listed(gained)}")
        if sent:
            old_enum, new_enum = _enum(self.old_doc, old), _enum(self.new_doc, new)
            if old_enum is None and new_enum is not None:
                limited = [value for value in new_enum if value is not None]
                yield BreakingChange(where, f"{label}: now limited to the values {limited}")
            elif old_enum is not None and new_enum is not None:
                # A lost null is reported as a lost type, above.
                removed = [v for v in old_enum if v not in new_enum and v is not None]
                if removed:
                    yield BreakingChange(where, f"{label}: enum values removed: {removed}")
        old_object, new_object = _object_part(self.old_doc, old), _object_part(self.new_doc, new)
        if old_object is not None and new_object is not None:
            yield from self._object_change(where, label, old_object, new_object, sent, seen)
        old_items, new_items = _items(self.old_doc, old), _items(self.new_doc, new)
        if old_items is not None and new_items is not None:
            yield from self.schema_change(
                where, f"{label}[]", old_items, new_items, sent=sent, seen=seen
            )

    def _object_change(
        self,
        where: str,
        label: str,
        old: Schema,
        new: Schema,
        sent: bool,
        seen: frozenset[tuple[str, str]],
    ) -> Iterator[BreakingChange]:
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        if sent:
            for name in sorted(new_required - old_required):
                became = "new and required" if name not in old_props else "became required"
                yield BreakingChange(where, f"{label}: property '{name}' {became}")
        else:
            for name in old_props:
                if name not in new_props:
                    yield BreakingChange(where, f"{label}: property '{name}' removed")
                elif name in old_required and name not in new_required:
                    yield BreakingChange(where, f"{label}: property '{name}' no longer required")
        for name, old_prop in old_props.items():
            if name in new_props:
                yield from self.schema_change(
                    where, f"{label}.{name}", old_prop, new_props[name], sent=sent, seen=seen
                )


def _resolve(document: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow local ``$ref`` chains (``#/components/...``)."""
    hops = 0
    while "$ref" in node and hops < 32:
        pointer = node["$ref"]
        if not pointer.startswith("#/"):
            raise ValueError(f"only local references are supported: {pointer}")
        target: Any = document
        for part in pointer[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node, hops = target, hops + 1
    return node


def _alternatives(document: Mapping[str, Any], schema: Schema) -> list[Schema] | None:
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            return [_resolve(document, option) for option in schema[keyword]]
    return None


def _json_types(document: Mapping[str, Any], schema: Schema) -> frozenset[str] | None:
    """The JSON types a schema admits; None when it does not say (any type)."""
    options = _alternatives(document, schema)
    if options is not None:
        types: set[str] = set()
        for option in options:
            option_types = _json_types(document, option)
            if option_types is None:
                return None
            types |= option_types
        return frozenset(types)
    if "type" in schema:
        declared = schema["type"]
        found = frozenset([declared] if isinstance(declared, str) else declared)
        # JSON Schema's integer is a number: number admits every integer.
        return found | {"integer"} if "number" in found else found
    values = _enum(document, schema)
    return None if values is None else frozenset(_type_of(value) for value in values)


def _type_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _enum(document: Mapping[str, Any], schema: Schema) -> list[Any] | None:
    """The values a schema is limited to (``null`` included when an option); None if any."""
    options = _alternatives(document, schema)
    if options is None:
        if "enum" in schema:
            return list(schema["enum"])
        return [schema["const"]] if "const" in schema else None
    values: list[Any] = []
    for option in options:
        if option.get("type") == "null":
            values.append(None)
            continue
        option_values = _enum(document, option)
        if option_values is None:
            return None
        values += option_values
    return values


def _object_part(document: Mapping[str, Any], schema: Schema) -> Schema | None:
    """The object schema within (``X`` of ``X|null``), if there is exactly one."""
    if "properties" in schema or schema.get("type") == "object":
        return schema
    options = _alternatives(document, schema) or []
    objects = [option for option in options if _object_part(document, option) is not None]
    return _object_part(document, objects[0]) if len(objects) == 1 else None


def _items(document: Mapping[str, Any], schema: Schema) -> Schema | None:
    """The item schema of the array within (``X[]`` of ``X[]|null``), if exactly one."""
    if "items" in schema:
        items: Schema = schema["items"]
        return items
    options = _alternatives(document, schema) or []
    arrays = [option for option in options if _items(document, option) is not None]
    return _items(document, arrays[0]) if len(arrays) == 1 else None


def _listed(types: frozenset[str]) -> str:
    return "|".join(sorted(types))
