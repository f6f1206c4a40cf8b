import pytest

from catalog_chassis import errors
from catalog_chassis.errors import FieldError, ProblemError, ValidationFailed


@pytest.mark.parametrize(
    ("error_class", "status"),
    [
        (errors.ValidationFailed, 400),
        (errors.Unauthorized, 401),
        (errors.Forbidden, 403),
        (errors.NotFound, 404),
        (errors.Conflict, 409),
        (errors.PreconditionFailed, 412),
        (errors.Locked, 423),
        (errors.TooManyRequests, 429),
        (errors.ServiceUnavailable, 503),
    ],
)
def test_each_problem_error_carries_its_http_status_title_and_type(
    error_class: type[ProblemError], status: int
) -> None:
    error = error_class("what went wrong")

    assert error.status == status
    assert error.detail == "what went wrong"
    assert str(error) == "what went wrong"
    assert error.title
    assert error.type.startswith("https://catalog.example/problems/")
    assert error.type != ProblemError.type


def test_problem_types_are_distinct() -> None:
    types = [cls.type for cls in ProblemError.__subclasses__()]
    assert len(types) == len(set(types))


def test_validation_failed_keeps_its_field_errors() -> None:
    error = ValidationFailed("bad input", [FieldError("unitOfMeasure", "must not be blank")])

    assert error.errors == [FieldError(field="unitOfMeasure", message="must not be blank")]
    assert ValidationFailed("bad input").errors == []
