from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read messages in English; the interface default is Russian."""
    with translation.override("en"):
        yield
