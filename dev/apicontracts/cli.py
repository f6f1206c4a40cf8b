"""``uv run python dev/api_contracts.py write|check|breaking``.

- ``write``: regenerate docs/api from the code (what ``make api-docs`` runs);
- ``check``: fail when docs/api differs from what the code generates, or an example event
  does not satisfy its schema (the tests in tests/contracts check the same);
- ``breaking``: list the breaking changes to the OpenAPI documents in the change being
  judged (see dev/apicontracts/baseline.py), with what to write to acknowledge them.
"""

from __future__ import annotations

import argparse
import json

from dev.apicontracts import baseline, generate


def _write() -> int:
    changed = generate.write()
    for path in changed:
        print(f"wrote {path.relative_to(generate.ROOT)}")
    print(f"docs/api is current ({len(changed)} file(s) changed)")
    return 0


def _example_problems() -> list[str]:
    problems = []
    for contract in generate.event_contracts():
        example = generate.EXAMPLES / contract.example_file
        if not example.is_file():
            problems.append(f"{example.relative_to(generate.ROOT)} is missing")
            continue
        schema = generate.event_documents()[contract.schema_file]
        for error in generate.event_errors(schema, json.loads(example.read_text())):
            problems.append(f"{example.relative_to(generate.ROOT)}: {error}")
    return problems


def _check() -> int:
    problems = generate.stale_files()
    if problems:
        print("\n".join(problems))
        print(generate.REGENERATE)
    examples = _example_problems()
    if examples:
        print("\n".join(examples))
        print("Example events are written by hand: update them to the schemas.")
    if not problems and not examples:
        print("docs/api is current and every example satisfies its schema")
    return 1 if problems or examples else 0


def _breaking() -> int:
    failed = False
    for service in generate.SERVICES:
        try:
            verdict = baseline.judge_openapi(generate.ROOT, service)
        except baseline.NoBaseline as reason:
            print(f"{service}: not compared: {reason}")
            continue
        judged = verdict.comparison
        print(f"{service}: {judged.new_revision} against {judged.base_revision}")
        for change in verdict.breaking:
            acknowledged = change not in verdict.unacknowledged
            print(f"  {'acknowledged' if acknowledged else 'BREAKING'}: {change}")
        failed = failed or bool(verdict.unacknowledged)
    if failed:
        print(
            f"\nAcknowledge a breaking change on purpose in {baseline.ACKNOWLEDGEMENTS}:\n"
            "  - service: <service>\n    change: <the line above, after BREAKING: >\n"
            "    why: <why clients may break, and what they should do>"
        )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dev/api_contracts.py", description=__doc__)
    parser.add_argument("command", choices=("write", "check", "breaking"))
    command = parser.parse_args(argv).command
    return {"write": _write, "check": _check, "breaking": _breaking}[command]()
