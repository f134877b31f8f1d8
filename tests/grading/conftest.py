"""One warm grading server for the whole test session (the grader is tested like a grader)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import quizapp.grading.client as client_module
from quizapp.grading.client import GradingClient


@pytest.fixture(scope="session")
def grader() -> Iterator[GradingClient]:
    client = GradingClient()
    client.start()
    previous = client_module._shared
    client_module._shared = client  # the CLI run in-process uses this same warm server
    yield client
    client_module._shared = previous
    client.close()
