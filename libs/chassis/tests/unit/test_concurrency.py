import pytest
from starlette.responses import Response

from catalog_chassis.concurrency import etag_for, parse_if_match, set_etag
from catalog_chassis.errors import PreconditionFailed


def test_etag_is_the_quoted_version() -> None:
    assert etag_for(3) == '"3"'


def test_set_etag_puts_the_version_on_the_response() -> None:
    response = Response()

    set_etag(response, 7)

    assert response.headers["ETag"] == '"7"'


@pytest.mark.parametrize("header", ["3", '"3"', 'W/"3"', ' "3" '])
def test_parses_the_forms_clients_send(header: str) -> None:
    assert parse_if_match(header) == 3


@pytest.mark.parametrize("header", [None, "*"])
def test_absent_or_wildcard_means_any_version(header: str | None) -> None:
    assert parse_if_match(header) is None


@pytest.mark.parametrize("header", ["abc", '"3', "-1", '"3", "4"', "3.0"])
def test_unparseable_tags_cannot_match(header: str) -> None:
    with pytest.raises(PreconditionFailed):
        parse_if_match(header)
