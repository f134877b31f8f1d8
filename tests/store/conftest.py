"""Fixtures for the progress store tests: a temporary data folder and a clock moved by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_helpers import FakeClock

from quizapp.store.progress import ProgressStore


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[ProgressStore]:
    with ProgressStore.open(tmp_path, clock=clock) as s:
        yield s
