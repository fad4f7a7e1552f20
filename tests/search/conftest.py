"""Fixtures shared by the search tests."""
import pytest

from app.search.service import SearchService


@pytest.fixture(scope="module")
def service(seeded_archive):
    """The one search service over the five seeds (per module: its results cache starts empty)."""
    return SearchService(seeded_archive)
