"""The API contracts under docs/api, generated from the code and checked by tests/contracts.

- :mod:`dev.apicontracts.generate`: each service's OpenAPI document and a JSON Schema per
  event type on ``catalog.events``, and the canonical form they are committed in;
- :mod:`dev.apicontracts.openapi_diff`: which differences between two OpenAPI documents
  break clients;
- :mod:`dev.apicontracts.baseline`: which committed version a document is compared with,
  and the breaking changes acknowledged on purpose.

The command line is ``uv run python dev/api_contracts.py write|check|breaking``
(``make api-docs`` writes).
"""
