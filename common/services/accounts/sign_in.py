"""Who may use the API, and what a new account starts with, by how its user signed in.

Firebase hands out anonymous accounts to anyone who asks, one per call: an anonymous uid that
started with the full credit (and its own daily limits) would make every limit per-call, not
per-person. So the starting credit depends on the sign-in provider: anonymous users start with
`anonymous_credit_usd` (default none) and everyone else with `credit_grant_usd`; providers not
in `sign_in_providers` (when it is set) are refused with 403.

The account is opened with the anonymous grant on the first request of an anonymous uid (a
conditional create: an existing account is never changed), before anything can create it with
the default grant. Opened uids are remembered per process, so this costs one store transaction
per anonymous user and instance, not one per request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from common.config import Settings
from common.domain.errors import PermissionDeniedError
from common.services.accounts.identity import Identity
from common.services.accounts.quotas import Quotas

REMEMBERED = 10_000


class SignInPolicy:
    def __init__(self, settings: Settings, quotas: Quotas) -> None:
        self._quotas = quotas
        self._anonymous_grant = settings.anonymous_credit_usd
        names = (p.strip() for p in settings.sign_in_providers.split(","))
        self._allowed = frozenset(p for p in names if p)
        self._opened: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def admit(self, identity: Identity) -> str:
        """The uid of a caller whose sign-in provider is accepted; PermissionDeniedError
        otherwise. An anonymous caller's account is opened with the anonymous grant."""
        if self._allowed and identity.provider not in self._allowed and identity.provider != "dev":
            raise PermissionDeniedError(
                f"signing in with {identity.provider or 'this method'} is not accepted here; "
                f"use one of: {', '.join(sorted(self._allowed))}"
            )
        if identity.anonymous and not self._remembered(identity.uid):
            self._quotas.open(identity.uid, self._anonymous_grant)
            self._remember(identity.uid)
        return identity.uid

    def _remembered(self, uid: str) -> bool:
        with self._lock:
            return uid in self._opened

    def _remember(self, uid: str) -> None:
        with self._lock:
            self._opened[uid] = None
            while len(self._opened) > REMEMBERED:
                self._opened.popitem(last=False)
