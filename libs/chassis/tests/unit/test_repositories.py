"""LIKE patterns take the user's text literally."""

from __future__ import annotations

from catalog_chassis.repositories import LIKE_ESCAPE, contains_pattern, escape_like


def test_wildcards_and_the_escape_character_are_escaped() -> None:
    assert escape_like("50%_off\\now") == "50\\%\\_off\\\\now"


def test_plain_text_is_unchanged() -> None:
    assert escape_like("download speed") == "download speed"


def test_contains_pattern_matches_the_text_anywhere() -> None:
    assert contains_pattern("a_b") == f"%a{LIKE_ESCAPE}_b%"
