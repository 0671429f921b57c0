"""Fixtures for the core's tests; the helpers themselves are in snippets.py."""

import pytest

from snippets import Snippet


@pytest.fixture
def snippet():
    return Snippet
