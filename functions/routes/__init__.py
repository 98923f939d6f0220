"""The API's routes, one module per area; importing this package registers them all."""

from functions.routes import (
    account,
    calendar,
    captions,
    connections,
    events,
    jobs,
    languages,
    media,
    projects,
    templates,
    uploads,
)

__all__ = [
    "account",
    "calendar",
    "captions",
    "connections",
    "events",
    "jobs",
    "languages",
    "media",
    "projects",
    "templates",
    "uploads",
]
