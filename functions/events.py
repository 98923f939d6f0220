"""Pub/Sub CloudEvent functions: the calendar tick Cloud Scheduler publishes every minute.

Its payload says nothing we need (the time is the clock's): the function claims and hands on
whatever is due (common/services/calendar/tick.py), sweeps stuck jobs
(common/services/pipeline/sweeper.py) and, once an hour, deletes what was kept only for a while
(common/services/housekeeping.py).
Locally, `python main.py serve` runs the same `run_tick` on a timer (functions/server.py).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from common.domain.errors import InvalidInputError
from functions.envelope import tick_event

if TYPE_CHECKING:
    from common.bootstrap import Services

log = logging.getLogger(__name__)


def handle_scheduler_tick(event: Any) -> None:
    from common.bootstrap import services

    try:
        tick = tick_event(event)
    except InvalidInputError as exc:
        # A malformed message still means "a minute has passed": tick anyway.
        log.warning("scheduler tick with a malformed message: %s", exc.message)
    else:
        log.debug("scheduler tick event %s: %s", tick.event_id, tick.payload)
    run_tick(services())


def run_tick(svc: Services) -> None:
    """One tick: claim what is due, sweep stuck jobs, then the housekeeping."""
    svc.ticker.tick()
    svc.sweeper.sweep()
    svc.housekeeping.run()


def start_timer(svc: Services, interval_s: float) -> threading.Event:
    """Run `run_tick` every `interval_s` on a daemon thread (the local stand-in for Cloud
    Scheduler); set the returned event to stop it. A failing tick is logged and the timer
    goes on: the next tick retries whatever was due."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval_s):
            try:
                run_tick(svc)
            except Exception:
                log.exception("scheduler tick failed")

    threading.Thread(target=loop, name="scheduler-tick", daemon=True).start()
    return stop
