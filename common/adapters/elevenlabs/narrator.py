"""ElevenLabs narrator: text to speech with character timestamps, through the `elevenlabs` SDK.

One `convert_with_timestamps` call per narration (POST /v1/text-to-speech/{voice}/with-timestamps):
the audio comes back as base64 (MP3 by default, kept as is: the assembly reads it directly) and
the per-character alignment of the text as written becomes the word timings (alignment.py).

Limits and failures:
- ElevenLabs caps requests in flight per account (2 to 15 by plan) and answers 429
  too_many_concurrent_requests beyond it. Calls in this process share one semaphore per account
  and size, so a narration fan-out never has more in flight; a call waits for a slot (within its
  deadline). Across processes (Cloud Functions instances) the voice queue's
  max_concurrent_dispatches is the cap.
- The SDK's own retries are off (max_retries 0): it would keep the slot while sleeping, does not
  retry timeouts and its backoff is fixed. Here a narration makes at most `max_attempts` tries,
  backing off exponentially with jitter (or as Retry-After says) without holding a slot, every
  request with a timeout, all of them within `deadline_s`. Permanent errors (401, 422, quota)
  are never repeated; what is still failing after the last try is raised as a retryable
  ProviderError for the task queue to deliver the step again later.
- Billing: ElevenLabs charges the characters of `text`, not the context (previous_text,
  next_text). The text is sent exactly as requested, so the pipeline's `len(request.text)` per
  narration that returned is what was billed; retried 429s and 5xx are not billed.
"""

from __future__ import annotations

import hashlib
import logging
import math
import random
import re
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from common.adapters.elevenlabs.alignment import word_timings
from common.adapters.elevenlabs.audio import decode_audio
from common.adapters.elevenlabs.errors import PROVIDER, Failure, bad_response, translate
from common.domain.assets import Narration, NarrationRequest
from common.domain.errors import InvalidInputError, ProviderError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Models that ignore previous_text/next_text (no request stitching): a capability, not a choice.
_NO_STITCHING = ("eleven_v3",)
_VOICE_ID = re.compile(r"^[A-Za-z0-9]{16,40}$")
_OUTPUT_FORMAT = re.compile(r"^(mp3_\d+_\d+|pcm_\d+)$")
_MAX_BACKOFF_S = 20.0
_MIN_REQUEST_S = 1  # a try with less time left than this is not started

_slots: dict[tuple[str, str, int], threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def account_slots(base_url: str, api_key: str, size: int) -> threading.BoundedSemaphore:
    """The process-wide semaphore of one account (endpoint and key) and limit."""
    key = (base_url, hashlib.sha256(api_key.encode()).hexdigest(), size)
    with _slots_lock:
        if key not in _slots:
            _slots[key] = threading.BoundedSemaphore(size)
        return _slots[key]


class ElevenLabsNarrator:
    """Narrator speaking with an ElevenLabs voice and model.

    `request.voice` "default" speaks with `voice_id`; a voice id is used as given; any other
    value is looked up by name among the account's voices (GET /v2/voices).
    """

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        voice_id: str,
        output_format: str = "mp3_44100_128",
        base_url: str = "",
        max_concurrency: int = 2,
        timeout_s: float = 60.0,
        max_attempts: int = 3,
        backoff_s: float = 1.0,
        deadline_s: float = 100.0,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        bad = {}
        if not api_key:
            bad["ELEVENLABS_API_KEY"] = "required"
        if not _OUTPUT_FORMAT.match(output_format):
            bad["STORYGENIUS_ELEVENLABS_OUTPUT_FORMAT"] = "must be mp3_<rate>_<kbps> or pcm_<rate>"
        if max_concurrency < 1 or max_attempts < 1 or timeout_s <= 0 or deadline_s <= 0:
            bad["elevenlabs limits"] = "concurrency, attempts, timeout and deadline must be > 0"
        if bad:
            raise InvalidInputError("invalid ElevenLabs configuration", fields=bad)
        from elevenlabs.client import ElevenLabs  # heavy: only when narration is asked for

        self._client = ElevenLabs(api_key=api_key, base_url=base_url or None, timeout=timeout_s)
        self.model = model
        self.voice_id = voice_id
        self.output_format = output_format
        self.id = f"{PROVIDER}/{model}/{voice_id}/{output_format}"
        self.uses_context = not model.startswith(_NO_STITCHING)
        self._slots = account_slots(base_url, api_key, max_concurrency)
        self._timeout_s = timeout_s
        self._max_attempts = max_attempts
        self._backoff_s = backoff_s
        self._deadline_s = deadline_s
        self._sleep = sleep
        self._monotonic = monotonic
        self._voices: dict[str, str] = {}

    def narrate(self, request: NarrationRequest) -> Narration:
        """Speak request.text; the audio as ElevenLabs made it, with a timing for every word."""
        deadline = self._monotonic() + self._deadline_s
        voice_id = self._voice(request.voice, deadline)
        response = self._with_retries(
            "text to speech", deadline, lambda timeout: self._convert(voice_id, request, timeout)
        )
        audio = decode_audio(_field(response, "audio_base_64") or "", self.output_format)
        alignment = _field(response, "alignment") or _field(response, "normalized_alignment")
        if alignment is None:
            raise bad_response("ElevenLabs returned no alignment for the text")
        words = word_timings(
            _field(alignment, "characters") or [],
            _field(alignment, "character_start_times_seconds") or [],
            _field(alignment, "character_end_times_seconds") or [],
        )
        duration = max([audio.duration_s, *(w.end_s for w in words[-1:])])
        return Narration(audio=audio.data, mime=audio.mime, duration_s=duration, words=words)

    # ---- calls ------------------------------------------------------------------------------

    def _convert(self, voice_id: str, request: NarrationRequest, timeout_s: int) -> Any:
        context: dict[str, Any] = {}  # left out, not null, when there is none
        if self.uses_context and request.previous_text:
            context["previous_text"] = request.previous_text
        if self.uses_context and request.next_text:
            context["next_text"] = request.next_text
        return self._client.text_to_speech.convert_with_timestamps(
            voice_id,
            text=request.text,  # exactly what the pipeline bills
            model_id=self.model,
            output_format=self.output_format,
            seed=request.seed % 2**32,
            request_options={"max_retries": 0, "timeout_in_seconds": timeout_s},
            **context,
        )

    def _voice(self, voice: str, deadline: float) -> str:
        """The voice id to speak with (see the class docstring)."""
        if voice == "default":
            return self.voice_id
        if _VOICE_ID.match(voice):
            return voice
        wanted = voice.strip().casefold()
        if wanted not in self._voices:

            def search(timeout_s: int) -> Any:
                return self._client.voices.search(
                    search=voice.strip(),
                    page_size=100,
                    request_options={"max_retries": 0, "timeout_in_seconds": timeout_s},
                )

            found = self._with_retries("voice search", deadline, search, slot=False)
            for item in _field(found, "voices") or []:
                name = str(_field(item, "name") or "").casefold()
                if name == wanted and _field(item, "voice_id"):
                    self._voices[wanted] = str(_field(item, "voice_id"))
                    break
            else:
                raise ProviderError(
                    f"no ElevenLabs voice named {voice!r} (project setting `voice`): use a "
                    "voice id, a voice name of the account, or 'default'",
                    provider=PROVIDER,
                    retryable=False,
                    code="invalid_voice",
                )
        return self._voices[wanted]

    def _with_retries(
        self, what: str, deadline: float, call: Callable[[int], T], *, slot: bool = True
    ) -> T:
        """`call(timeout_s)` tried up to max_attempts times before `deadline`, each try holding
        one of the account's slots (with `slot`); a ProviderError when it still fails."""
        attempt = 0
        while True:
            attempt += 1
            failure = self._try(what, deadline, call, slot)
            if isinstance(failure, Failure):
                delay = self._delay(attempt, failure.retry_after_s)
                last = attempt >= self._max_attempts
                if not failure.repeatable or last or self._monotonic() + delay >= deadline:
                    error = failure.error
                    if attempt > 1:
                        error = ProviderError(
                            f"{error.message} (after {attempt} tries)",
                            provider=PROVIDER,
                            retryable=error.retryable,
                            code=error.code,
                        )
                    raise error
                log.warning(
                    "%s: %s; try %d in %.2fs", what, failure.error.message, attempt + 1, delay
                )
                self._sleep(delay)
                continue
            return failure

    def _try(self, what: str, deadline: float, call: Callable[[int], T], slot: bool) -> T | Failure:
        """One try: the result, or the Failure it ended in."""
        left = deadline - self._monotonic()
        if slot and not self._slots.acquire(timeout=max(left, 0.0)):
            return Failure(
                ProviderError(
                    f"no ElevenLabs slot free within {self._deadline_s:.0f}s ({what})",
                    provider=PROVIDER,
                    retryable=True,
                    code="busy",
                )
            )
        try:
            left = deadline - self._monotonic()
            if left < _MIN_REQUEST_S:
                return Failure(
                    ProviderError(
                        f"no time left for ElevenLabs {what} within {self._deadline_s:.0f}s",
                        provider=PROVIDER,
                        retryable=True,
                        code="timeout",
                    )
                )
            timeout = max(_MIN_REQUEST_S, math.floor(min(self._timeout_s, left)))
            try:
                return call(timeout)
            except Exception as exc:
                failure = translate(exc)
                if failure is None:
                    raise
                return failure
        finally:
            if slot:
                self._slots.release()

    def _delay(self, attempt: int, retry_after_s: float | None) -> float:
        """Exponential backoff with jitter (x0.5 to x1.5), or Retry-After plus up to 20%."""
        if retry_after_s is not None:
            return min(retry_after_s, _MAX_BACKOFF_S) * (1 + 0.2 * random.random())
        base = min(self._backoff_s * 2.0 ** (attempt - 1), _MAX_BACKOFF_S)
        return base * (0.5 + random.random())


def _field(obj: Any, name: str) -> Any:
    """An attribute of an SDK response, None where the server left it out (the SDK's models
    are built without validation, so a missing field is a missing attribute)."""
    return getattr(obj, name, None)
