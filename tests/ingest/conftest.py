"""Fixtures for the ingest tests: a web client over a test's own archive."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def client_for():
    """client_for(archive) → a TestClient of the app over that archive (closed after the test)."""
    from app.web.app import create_app

    clients: list[TestClient] = []

    def make(archive) -> TestClient:
        c = TestClient(create_app(archive.settings))
        c.__enter__()
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)
