"""The caller's account: credit, what running jobs hold, today's usage and the daily limits."""

from __future__ import annotations

from common.domain.quota import AccountView
from functions.http import Response, json_response
from functions.routing import Call, dump, route


@route("GET", "/v1/account", response=AccountView)
def get_account(call: Call[None, None]) -> Response:
    """The caller's credit and today's usage.

    `balance_usd` is what is left after every provider call so far; `held_usd` is what jobs
    still running have reserved from it (their estimate, less what they spent), and
    `available_usd` what a new job may be estimated at. `today` counts the UTC day's videos,
    requested seconds, Veo seconds and dollars against `limits`. A job that does not fit is
    refused with 402 `insufficient_credits` or `quota_exceeded`.
    """
    return json_response(dump(call.svc.pipeline.quotas.view(call.owner)))
