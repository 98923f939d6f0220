"""A stand-in for the ElevenLabs API, speaking its documented wire format (shared/FACTS.md).

    POST /v1/text-to-speech/{voice_id}/with-timestamps?output_format=mp3_44100_128
         header xi-api-key; JSON body text, model_id, voice_settings, previous_text, next_text,
         seed, language_code
      -> {"audio_base64", "alignment": {"characters", "character_start_times_seconds",
          "character_end_times_seconds"}, "normalized_alignment": {...}}
    GET  /v1/voices                         -> {"voices": [...]}
    GET  /v2/voices?search=&page_size=&next_page_token=&voice_ids=&language=
                                         -> {"voices", "has_more", "total_count", "next_page_token"}
                                               (what `client.voices.search` calls)

The audio is a real MP3 (or raw 16-bit PCM for pcm_* formats) made by ffmpeg at request time:
a tone as long as the alignment plus a short tail. Alignment times follow a fixed rule per
character (`alignment_for`), or what a test sets in `alignments` for a text. The normalized
alignment spells digits out, as ElevenLabs' text normalisation does, so a client that reads it
instead of the alignment of the text as written is caught.

A test scripts failures by queueing `Fault`s (each applies to one text-to-speech request, in
order, after the key check), and reads back what the stub received (`received`), how many
requests were in flight at most (`max_in_flight`) and how many characters a real account would
have been billed (`billed_characters`: texts of the requests answered with audio). With
`concurrency_limit`, requests beyond it get the 429 too_many_concurrent_requests the real API
sends.
"""

from __future__ import annotations

import base64
import functools
import json
import subprocess
import threading
import time
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from common.media.render.ffmpeg import ffmpeg_exe
from common.media.text.captions import is_no_space

PREVIEWS = "https://storage.googleapis.com/eleven-public-prod/premade/voices"
# Voices as GET /v2/voices lists them: labels, a preview, and the languages ElevenLabs verified.
DEFAULT_VOICES: tuple[dict[str, Any], ...] = (
    {
        "voice_id": "21m00Tcm4TlvDq8ikWAM",
        "name": "Rachel",
        "category": "premade",
        "labels": {"accent": "american", "gender": "female", "age": "young", "language": "en"},
        "description": "calm narration",
        "preview_url": f"{PREVIEWS}/21m00Tcm4TlvDq8ikWAM/preview.mp3",
        "verified_languages": [],
    },
    {
        "voice_id": "pNInz6obpgDQGcFmaJgB",
        "name": "Adam",
        "category": "premade",
        "labels": {"accent": "american", "gender": "male", "age": "middle aged", "language": "en"},
        "preview_url": f"{PREVIEWS}/pNInz6obpgDQGcFmaJgB/preview.mp3",
        "verified_languages": [
            {
                "language": "de",
                "model_id": "eleven_multilingual_v2",
                "accent": "standard",
                "locale": "de-DE",
                "preview_url": f"{PREVIEWS}/pNInz6obpgDQGcFmaJgB/de.mp3",
            }
        ],
    },
)
_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass
class Fault:
    """How to answer one text-to-speech request: a status and body instead of speech (status 0
    answers normally), after `delay_s`. A `bytes` body is sent as is (malformed JSON)."""

    status: int = 0
    body: Any = None
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


def _detail(status: str, message: str) -> dict[str, Any]:
    return {"detail": {"status": status, "message": message}}


TOO_MANY_CONCURRENT = Fault(
    429,
    _detail(
        "too_many_concurrent_requests",
        "Too many concurrent requests. Your plan allows 2 concurrent requests.",
    ),
)
SYSTEM_BUSY = Fault(429, _detail("system_busy", "The system is experiencing heavy traffic."))
SERVER_ERROR = Fault(500, _detail("internal_server_error", "An internal error occurred."))
UNPROCESSABLE = Fault(
    422,
    {"detail": [{"loc": ["body", "text"], "msg": "text is too long", "type": "value_error"}]},
)
QUOTA_EXCEEDED = Fault(
    401, _detail("quota_exceeded", "This request exceeds your quota of 10000 characters.")
)
MALFORMED = Fault(200, b'{"audio_base64": "SUQzBAAAAAAA", "alignment": {"characters": ["a"')


def slow(delay_s: float) -> Fault:
    """Answer normally, but only after `delay_s` seconds."""
    return Fault(delay_s=delay_s)


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int = 0


def char_seconds(char: str) -> float:
    """How long the stub 'speaks' one character."""
    if char.isspace():
        return 0.05
    if is_no_space(char) and char.isalnum():
        return 0.18
    if not char.isalnum() and not unicodedata.category(char).startswith("M"):
        return 0.1
    return 0.07


def alignment_for(text: str, lead_s: float = 0.12) -> dict[str, list[Any]]:
    """The stub's alignment of `text`: one character after the other from `lead_s`."""
    starts, ends, t = [], [], lead_s
    for char in text:
        starts.append(round(t, 3))
        t += char_seconds(char)
        ends.append(round(t, 3))
    return {
        "characters": list(text),
        "character_start_times_seconds": starts,
        "character_end_times_seconds": ends,
    }


def normalize(text: str) -> str:
    return "".join(f" {_DIGITS[int(c)]} " if c.isdigit() and c.isascii() else c for c in text)


@functools.lru_cache(maxsize=64)
def make_audio(duration_s: float, output_format: str) -> bytes:
    """A tone of `duration_s` in the format asked for: MP3 as ElevenLabs streams it (no Xing
    header), or raw 16-bit mono PCM."""
    codec, _, rest = output_format.partition("_")
    rate = rest.split("_")[0]
    source = ["-f", "lavfi", "-i", f"sine=frequency=220:sample_rate={rate}:duration={duration_s}"]
    if codec == "mp3":
        kbps = rest.split("_")[1]
        out = ["-ac", "1", "-c:a", "libmp3lame", "-b:a", f"{kbps}k", "-f", "mp3", "pipe:1"]
    else:
        out = ["-ac", "1", "-f", "s16le", "-c:a", "pcm_s16le", "pipe:1"]
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", *source, *out]
    return subprocess.run(cmd, capture_output=True, check=True).stdout


class ElevenLabsStub:
    """The stub server on 127.0.0.1 (a free port): use as a context manager."""

    def __init__(
        self,
        api_key: str = "test-elevenlabs-key",
        *,
        latency_s: float = 0.0,
        concurrency_limit: int | None = None,
        tail_s: float = 0.25,
        voices: tuple[dict[str, str], ...] = DEFAULT_VOICES,
    ) -> None:
        self.api_key = api_key
        self.latency_s = latency_s
        self.concurrency_limit = concurrency_limit
        self.tail_s = tail_s
        self.voices = list(voices)
        self.faults: deque[Fault] = deque()
        self.alignments: dict[str, dict[str, list[Any]]] = {}
        self.received: list[Received] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.billed_characters = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> ElevenLabsStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def tts_requests(self) -> list[Received]:
        """The text-to-speech requests received, in order."""
        return [r for r in self.received if r.path.endswith("/with-timestamps")]

    def alignment(self, text: str) -> dict[str, list[Any]]:
        return self.alignments.get(text) or alignment_for(text)

    # ---- answering ----------------------------------------------------------------------

    def answer(self, received: Received) -> tuple[int, Any, dict[str, str]]:
        """(status, body, headers) for one request; runs on the server's handler thread."""
        if received.headers.get("xi-api-key") != self.api_key:
            return 401, _detail("invalid_api_key", "Invalid API key"), {}
        if received.method == "GET" and received.path == "/v1/voices":
            return 200, {"voices": self.voices}, {}
        if received.method == "GET" and received.path == "/v2/voices":
            return 200, self._search(received.query), {}
        parts = received.path.strip("/").split("/")
        tts = len(parts) == 4 and parts[:2] == ["v1", "text-to-speech"]
        if received.method == "POST" and tts and parts[3] == "with-timestamps":
            return self._speak(parts[2], received)
        return 404, {"detail": "Not Found"}, {}

    def _search(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /v2/voices: `search` in the name, `voice_ids` (comma-separated), `language` (the
        voice's language label), `page_size` voices a page from `next_page_token` (opaque: here
        the offset)."""
        wanted = query.get("search", "").casefold()
        found = [v for v in self.voices if wanted in v["name"].casefold()]
        if query.get("voice_ids"):
            ids = set(query["voice_ids"].split(","))
            found = [v for v in found if v["voice_id"] in ids]
        if query.get("language"):
            found = [v for v in found if v.get("labels", {}).get("language") == query["language"]]
        size = int(query.get("page_size", "10"))
        start = int(query.get("next_page_token") or 0)
        more = start + size < len(found)
        return {
            "voices": found[start : start + size],
            "has_more": more,
            "total_count": len(found),
            "next_page_token": str(start + size) if more else None,
        }

    def _speak(self, voice_id: str, received: Received) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            fault = self.faults.popleft() if self.faults else Fault()
            crowded = self.concurrency_limit is not None and self.in_flight > self.concurrency_limit
        time.sleep(fault.delay_s or self.latency_s)
        if crowded:
            return TOO_MANY_CONCURRENT.status, TOO_MANY_CONCURRENT.body, {}
        if fault.status:
            return fault.status, fault.body, fault.headers
        body = received.body
        output_format = received.query.get("output_format", "mp3_44100_128")
        problems = []
        if not isinstance(body, dict) or not isinstance(body.get("text"), str) or not body["text"]:
            problems.append({"loc": ["body", "text"], "msg": "field required", "type": "missing"})
        if not output_format.startswith(("mp3_", "pcm_")):
            problems.append({"loc": ["query", "output_format"], "msg": "unsupported format"})
        if problems:
            return 422, {"detail": problems}, {}
        if voice_id not in {v["voice_id"] for v in self.voices}:
            return 404, _detail("voice_not_found", f"A voice with id {voice_id} was not found."), {}
        text = body["text"]
        alignment = self.alignment(text)
        ends = alignment["character_end_times_seconds"]
        duration = round((max(ends) if ends else 0.0) + self.tail_s, 3)
        with self._lock:
            self.billed_characters += len(text)
        return (
            200,
            {
                "audio_base64": base64.b64encode(make_audio(duration, output_format)).decode(),
                "alignment": alignment,
                "normalized_alignment": alignment_for(normalize(text)),
            },
            {},
        )


def _handler(stub: ElevenLabsStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            url = urlparse(self.path)
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            try:
                body: Any = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
            received = Received(
                method=self.command,
                path=url.path,
                query={k: v[-1] for k, v in parse_qs(url.query).items()},
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            with stub._lock:
                stub.received.append(received)
                stub.in_flight += 1
                stub.max_in_flight = max(stub.max_in_flight, stub.in_flight)
            try:
                status, answer, headers = stub.answer(received)
            finally:
                with stub._lock:
                    stub.in_flight -= 1
            received.status = status
            data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up (a timeout test): nothing to answer

    return Handler
