"""The provider registry: each adapter's descriptor, and the one list of them.

A registration says everything the rest of the system needs to know about a provider: the id
settings choose it by (`STORYGENIUS_VIDEO=veo`), how to build it, its price model, its quota
class, the credentials it needs, the model id it calls, and which `--providers` group of the
command line selects it. Bootstrap resolves settings against it; services only ever see the
resulting `ProviderInfo`s (common/domain/providers.py).

Adding a provider is its module plus one registration in its package's `registration.py`
(listed in BUILT_IN below when it is a new package). Registrations import nothing heavy: the
factory imports the adapter when it is first built (cold start).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from common.config import Settings
from common.domain.errors import InvalidInputError
from common.domain.pacing import SpeakingRates
from common.domain.providers import (
    PROVIDER_KINDS,
    PriceModel,
    ProviderChoice,
    ProviderInfo,
    ProviderKind,
)
from common.domain.usage import QuotaClass
from common.ports import BlobStore


@dataclass(frozen=True)
class Credential:
    """A setting a provider cannot work without (checked when services are built)."""

    setting: str  # the Settings field
    env: str  # the environment variable that sets it
    what: str  # what it is, for the message


@dataclass
class BuildContext:
    """What a factory may use: the settings, the blob store, the chosen narrator's speaking
    rates (script writers size scenes for it) and clients shared between providers."""

    settings: Settings
    blobs: BlobStore
    rates: SpeakingRates
    _shared: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def shared(self, name: str, make: Callable[[], Any]) -> Any:
        """One `make()` per name for every provider of this context (e.g. the Vertex client)."""
        with self._lock:
            if name not in self._shared:
                self._shared[name] = make()
            return self._shared[name]


@dataclass(frozen=True)
class ProviderRegistration:
    """One provider's descriptor."""

    kind: ProviderKind
    id: str
    build: Callable[[BuildContext], Any]
    group: str  # the command line's `--providers` name that selects it
    price: Callable[[Settings], PriceModel] = lambda _: PriceModel(unit="call")
    quota: QuotaClass = "free"
    credentials: tuple[Credential, ...] = ()
    # An I/O check run by `doctor` and the command line, never at import or build time
    # (e.g. whether Application Default Credentials can be found); a problem or None.
    probe: Callable[[Settings], str | None] | None = None
    model: Callable[[Settings], str] | None = None
    model_setting: str = ""  # the Settings field that names the model, for the doctor
    rates: SpeakingRates | None = None  # narrators
    # Narrators: whether a voice (id or name) exists for a language, asked when a project is
    # written so that an unknown voice is a 400 naming settings.voice, not a failed job. No
    # I/O beyond what the narrator caches; None: only the voice's shape is checked.
    known_voice: Callable[[Settings, str, str], bool] | None = None

    def info(self, settings: Settings) -> ProviderInfo:
        return ProviderInfo(
            kind=self.kind,
            id=self.id,
            price=self.price(settings),
            quota=self.quota,
            model=self.model(settings) if self.model else "",
            rates=self.rates,
        )

    def missing(self, settings: Settings) -> dict[str, str]:
        """The credentials settings lack: variable -> a sentence naming it."""
        return {
            c.env: f"{c.env} is required with STORYGENIUS_{self.kind.upper()}={self.id} ({c.what})"
            for c in self.credentials
            if not getattr(settings, c.setting)
        }


class ProviderRegistry:
    """Registrations by (kind, id)."""

    def __init__(self, registrations: tuple[ProviderRegistration, ...] = ()) -> None:
        self._by_key: dict[tuple[str, str], ProviderRegistration] = {}
        self._lock = threading.Lock()
        for registration in registrations:
            self.register(registration)

    def register(self, registration: ProviderRegistration) -> None:
        key = (registration.kind, registration.id)
        with self._lock:
            if key in self._by_key and self._by_key[key] is not registration:
                raise ValueError(f"a {registration.kind} provider {registration.id!r} exists")
            self._by_key[key] = registration

    def unregister(self, kind: ProviderKind, provider_id: str) -> None:
        with self._lock:
            self._by_key.pop((kind, provider_id), None)

    @contextmanager
    def registered(self, registration: ProviderRegistration) -> Iterator[ProviderRegistration]:
        """`registration` registered for the length of a with-block (tests)."""
        self.register(registration)
        try:
            yield registration
        finally:
            self.unregister(registration.kind, registration.id)

    def ids(self, kind: ProviderKind) -> list[str]:
        return sorted(pid for k, pid in self._by_key if k == kind)

    def groups(self) -> dict[str, dict[str, str]]:
        """`--providers` names and the settings each chooses (kind -> id)."""
        out: dict[str, dict[str, str]] = {}
        for registration in self._by_key.values():
            out.setdefault(registration.group, {})[registration.kind] = registration.id
        return out

    def group_credentials(self) -> dict[str, tuple[Credential, ...]]:
        """What each `--providers` group needs from the environment."""
        out: dict[str, tuple[Credential, ...]] = {}
        for registration in self._by_key.values():
            have = out.get(registration.group, ())
            out[registration.group] = have + tuple(
                c for c in registration.credentials if c not in have
            )
        return out

    def chosen(self, settings: Settings) -> dict[ProviderKind, ProviderRegistration]:
        """The registrations settings choose; InvalidInputError naming the variable when a
        choice is unknown or lacks a credential."""
        chosen: dict[ProviderKind, ProviderRegistration] = {}
        fields: dict[str, str] = {}
        for kind in PROVIDER_KINDS:
            value = getattr(settings, kind)
            registration = self._by_key.get((kind, value))
            var = f"STORYGENIUS_{kind.upper()}"
            if registration is None:
                fields[var] = f"unknown provider {value!r}: choose from {', '.join(self.ids(kind))}"
                continue
            fields.update(registration.missing(settings))
            chosen[kind] = registration
        if fields:
            raise InvalidInputError(
                "invalid configuration: " + "; ".join(f"{k}: {v}" for k, v in fields.items()),
                fields=fields,
            )
        return chosen

    def choice(self, settings: Settings) -> ProviderChoice:
        """What services know of the providers settings choose."""
        chosen = self.chosen(settings)
        return ProviderChoice(**{kind: r.info(settings) for kind, r in chosen.items()})


def _built_in() -> tuple[ProviderRegistration, ...]:
    from common.adapters.elevenlabs.registration import PROVIDERS as ELEVENLABS
    from common.adapters.offline.registration import PROVIDERS as OFFLINE
    from common.adapters.vertex.registration import PROVIDERS as VERTEX

    return (*OFFLINE, *VERTEX, *ELEVENLABS)


_default: ProviderRegistry | None = None
_default_lock = threading.Lock()


def default_registry() -> ProviderRegistry:
    """The process's registry, holding the built-in providers (and any a test registers)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = ProviderRegistry(_built_in())
        return _default
