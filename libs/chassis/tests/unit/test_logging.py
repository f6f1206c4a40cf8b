import json
import logging
import logging.config
import re
from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from catalog_chassis.context import reset_correlation_id, set_correlation_id
from catalog_chassis.logging import configure_logging, uvicorn_log_config

ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """configure_logging rewires global loggers; put them back for the other tests."""
    names = ["", "uvicorn", "uvicorn.error", "uvicorn.access"]
    saved = {
        name: (list(logging.getLogger(name).handlers), logging.getLogger(name).level)
        for name in names
    }
    saved_propagate = logging.getLogger("uvicorn.access").propagate
    yield
    for name, (handlers, level) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)
    logging.getLogger("uvicorn.access").propagate = saved_propagate


def log_lines(captured: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in captured.splitlines() if line.strip()]


def test_writes_one_json_object_per_line_with_the_platform_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("pricing", "INFO")

    logging.getLogger("pricing.prices").info("price %s created", "p-1")

    [line] = log_lines(capsys.readouterr().out)
    assert line["message"] == "price p-1 created"
    assert line["level"] == "INFO"
    assert line["service"] == "pricing"
    assert line["logger"] == "pricing.prices"
    assert ISO_UTC.fullmatch(str(line["timestamp"]))
    assert line["correlation_id"] is None
    assert line["trace_id"] is None
    assert line["span_id"] is None
    assert "exc_info" not in line


def test_lines_carry_the_correlation_id_of_the_current_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("pricing")
    token = set_correlation_id("req-42")
    try:
        logging.getLogger("pricing").warning("slow")
    finally:
        reset_correlation_id(token)

    [line] = log_lines(capsys.readouterr().out)
    assert line["correlation_id"] == "req-42"


def test_lines_carry_the_ids_of_the_current_span(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("pricing")
    tracer = TracerProvider().get_tracer("test")

    with tracer.start_as_current_span("work") as span:
        logging.getLogger("pricing").info("inside a span")
        expected_trace_id = trace.format_trace_id(span.get_span_context().trace_id)
        expected_span_id = trace.format_span_id(span.get_span_context().span_id)

    [line] = log_lines(capsys.readouterr().out)
    assert line["trace_id"] == expected_trace_id
    assert line["span_id"] == expected_span_id
    assert re.fullmatch(r"[0-9a-f]{32}", str(line["trace_id"]))


def test_exceptions_are_logged_with_their_stack_trace(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("pricing")

    try:
        raise ValueError("broken invariant")
    except ValueError:
        logging.getLogger("pricing").exception("failed")

    [line] = log_lines(capsys.readouterr().out)
    assert line["level"] == "ERROR"
    assert "Traceback" in str(line["exc_info"])
    assert "ValueError: broken invariant" in str(line["exc_info"])


def test_extra_fields_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("pricing")

    logging.getLogger("pricing").info("published", extra={"event_id": "e-1", "attempt": 2})

    [line] = log_lines(capsys.readouterr().out)
    assert line["event_id"] == "e-1"
    assert line["attempt"] == 2


def test_level_filters_records_below_it(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("pricing", "warning")

    logging.getLogger("pricing").info("hidden")
    logging.getLogger("pricing").warning("shown")

    assert [line["message"] for line in log_lines(capsys.readouterr().out)] == ["shown"]


def test_uvicorn_access_lines_are_json_with_the_request_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("pricing")

    # The exact call uvicorn's protocol implementations make for each response.
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET", "/api/v1/prices?limit=5", "1.1", 200
    )
    logging.getLogger("uvicorn.error").info("Application startup complete.")

    access, error = log_lines(capsys.readouterr().out)
    assert access["logger"] == "uvicorn.access"
    assert access["method"] == "GET"
    assert access["path"] == "/api/v1/prices?limit=5"
    assert access["status"] == 200
    assert access["service"] == "pricing"
    assert error["logger"] == "uvicorn.error"
    assert error["message"] == "Application startup complete."


def test_uvicorn_log_config_is_a_valid_dict_config() -> None:
    config = uvicorn_log_config("pricing", "debug")

    logging.config.dictConfig(config)

    assert logging.getLogger().level == logging.DEBUG
    assert logging.getLogger("uvicorn.access").propagate is False
