"""What a saga step works with, free of any client or framework: the application layers
of the services import these (the engine client and the worker runtime stay outside)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ExternalTask:
    """One locked external task: what a worker gets from fetchAndLock."""

    id: str
    topic: str
    worker_id: str
    process_instance_id: str
    process_definition_key: str
    business_key: str | None
    variables: Mapping[str, Any]
    # None until the first failure is reported; then what the last report left.
    retries: int | None = None
    error_message: str | None = None

    def variable(self, name: str) -> Any:
        """A variable's value; KeyError naming it when the process did not set it."""
        try:
            return self.variables[name]
        except KeyError:
            raise KeyError(f"the task {self.topic} has no variable {name!r}") from None

    def json_variable(self, name: str) -> Any:
        """A variable holding JSON text (lists travel as JSON strings)."""
        value = self.variable(name)
        return json.loads(value) if isinstance(value, str) else value


class BusinessError(Exception):
    """The step cannot succeed as things are; ``reason`` tells a person what to change."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
