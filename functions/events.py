"""Pub/Sub CloudEvent functions. The calendar tick arrives with the calendar issue; until then it
acknowledges the event and records nothing."""

from __future__ import annotations

import logging
from typing import Any

from functions.envelope import pubsub_data

log = logging.getLogger(__name__)


def handle_scheduler_tick(event: Any) -> None:
    payload = pubsub_data(event.data or {})
    log.info("scheduler tick %s: no schedules are implemented yet", payload)
