"""The HTTP API as the tests call it in process: services installed for main.py's functions, a
test client of the `api` function, and dev-token headers of two users."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import functions_framework

from common.bootstrap import Services, install

# Dev tokens (STORYGENIUS_AUTH=dev, the default in tests): the uid follows "dev:".
ALICE = {"Authorization": "Bearer dev:alice"}
BOB = {"Authorization": "Bearer dev:bob"}


@contextmanager
def installed(svc: Services) -> Iterator[Services]:
    """`svc` as the process's services (what main.py's functions use) until the block ends."""
    install(svc)
    try:
        yield svc
    finally:
        install(None)


def api_client() -> Any:
    """A test client of main.py's `api` function, on the installed services."""
    return functions_framework.create_app("api", "main.py").test_client()
