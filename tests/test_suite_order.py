"""The order the workers take the test files in (conftest.LONGEST_FILES)."""

from pathlib import Path

from .conftest import LONGEST_FILES

TESTS = Path(__file__).parent


def test_every_file_named_as_longest_is_a_test_file():
    assert [name for name in LONGEST_FILES if not (TESTS / name).is_file()] == []
