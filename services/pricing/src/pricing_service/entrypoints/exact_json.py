"""JSON request bodies whose numbers stay exact.

Starlette parses JSON numbers with fractions into floats, so `19.999999999999999` would
arrive as `20.0` and pass for a valid price. Routes of this class parse them into `Decimal`
instead (FastAPI's documented custom-request pattern), and `NaN`/`Infinity`, which Python's
parser accepts although JSON does not, into non-finite Decimals the amount check refuses.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


class ExactNumberRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body(), parse_float=Decimal, parse_constant=Decimal)
        return self._json


class ExactNumberRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_with_exact_numbers(request: Request) -> Response:
            return await handle(ExactNumberRequest(request.scope, request.receive))

        return handle_with_exact_numbers
