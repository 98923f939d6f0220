"""A Vertex AI stand-in speaking the wire format google-genai uses (see /work/shared/FACTS.md).

    POST /v1beta1/projects/{p}/locations/{l}/publishers/google/models/{model}:generateContent
    POST ...:predictLongRunning       (Veo: starts an operation)
    POST ...:fetchPredictOperation    (Veo: the operation's state)

It runs in a thread on a free port, logs every request it received (`received`), and plays
scripted faults: HTTP errors per verb (429, 500, 400...), slow answers (timeouts), text answers
that are malformed or cut off (MAX_TOKENS), refusals, image answers of any size, and video
operations that stay running for N polls, are withheld by the safety filter, or fail. Videos are
real small MP4s made with ffmpeg in the test session (never committed); with a `storageUri` they
are written into the Cloud Storage emulator when the test gives the stub a storage client,
otherwise returned as bytesBase64Encoded.

Fixtures: `vertex_server` (session) runs one stub; `vertex_stub` resets it for each test.
"""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.stubs.vertex_story import sample_story

_PATH = re.compile(
    r"^/v1beta1/projects/(?P<project>[^/]+)/locations/(?P<location>[^/]+)"
    r"/publishers/google/models/(?P<model>[^/:]+):(?P<verb>\w+)$"
)
_STATUS = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
           429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}  # fmt: skip
# Pixel sizes the stub's image model answers with (deliberately not the sizes asked for).
_IMAGE_SIZES = {"1:1": (320, 320), "9:16": (288, 512), "16:9": (512, 288)}
_VIDEO_SIZES = {"9:16": (144, 256), "16:9": (256, 144)}


@dataclass
class Received:
    verb: str
    project: str
    location: str
    model: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)  # when it arrived


@dataclass
class VideoOutcome:
    """How one Veo operation goes: `polls` fetches answer "not done" first, and so does every
    fetch until `seconds` have passed since it started (a generation that takes that long);
    then a video, or a safety refusal (`filtered` reasons), or an operation `error`."""

    polls: int = 1
    filtered: list[str] | None = None
    error: tuple[int, str] | None = None
    seconds: float = 0.0


@dataclass
class _Operation:
    outcome: VideoOutcome
    parameters: dict[str, Any]
    started: float = field(default_factory=time.monotonic)
    fetched: int = 0


class VertexStub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._encode_lock = threading.Lock()
        self._videos: dict[tuple[int, str], bytes] = {}
        self._tmp = Path(tempfile.mkdtemp(prefix="vertex-stub-"))
        self.reset()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(  # a quick shutdown(), as in http_stub.py
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def reset(self) -> None:
        with self._lock:
            self.received: list[Received] = []
            self._faults: dict[str, deque[int]] = {}
            self._delays: dict[str, deque[float]] = {}
            self._texts: deque[tuple[str, str]] = deque()
            self._images: deque[dict[str, Any]] = deque()
            self._video_queue: deque[VideoOutcome] = deque()
            self.default_video = VideoOutcome()
            # Seconds every answer of a kind takes ("text", "image", or a verb) when no delay
            # is scripted for it: a provider's usual latency (the latency bench sets these).
            self.latency: dict[str, float] = {}
            self.video_rules: list[tuple[str, VideoOutcome]] = []
            self.story: dict[str, Any] = sample_story()
            self.operations: dict[str, _Operation] = {}
            self.gcs_client: Any = None

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- scripting --------------------------------------------------------------------------

    def fail(self, verb: str, *statuses: int) -> None:
        """The next requests of `verb` answer these HTTP errors, one each, in order."""
        with self._lock:
            self._faults.setdefault(verb, deque()).extend(statuses)

    def delay(self, verb: str, *seconds: float) -> None:
        """The next requests of `verb` wait this long before answering, one each. What they
        answer is decided when they arrive, before the wait."""
        with self._lock:
            self._delays.setdefault(verb, deque()).extend(seconds)

    def answer_text(self, text: str, finish_reason: str = "STOP") -> None:
        """The next text answer of generateContent (then the default story again)."""
        with self._lock:
            self._texts.append((text, finish_reason))

    def answer_image(self, *, size: tuple[int, int] | None = None, refuse: str = "",
                     text_only: bool = False) -> None:  # fmt: skip
        """The next image answer: another pixel size, a refusal (finish reason), or text only."""
        with self._lock:
            self._images.append({"size": size, "refuse": refuse, "text_only": text_only})

    def next_video(self, outcome: VideoOutcome) -> None:
        with self._lock:
            self._video_queue.append(outcome)

    def requests(self, verb: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.verb == verb]

    # -- answers ----------------------------------------------------------------------------

    def _respond(self, received: Received) -> tuple[int, dict[str, Any]]:
        with self._lock:
            faults = self._faults.get(received.verb)
            status = faults.popleft() if faults else 0
        if status:
            return status, {"error": {"code": status, "message": f"scripted {status}",
                                      "status": _STATUS.get(status, "UNKNOWN")}}  # fmt: skip
        if received.verb == "generateContent":
            config = received.body.get("generationConfig", {})
            if "IMAGE" in config.get("responseModalities", []):
                return 200, self._image(config)
            return 200, self._text()
        if received.verb == "predictLongRunning":
            return 200, self._start(received)
        if received.verb == "fetchPredictOperation":
            return self._fetch(received.body.get("operationName", ""))
        return 404, {"error": {"code": 404, "message": "no such method", "status": "NOT_FOUND"}}

    def _text(self) -> dict[str, Any]:
        with self._lock:
            text, reason = (
                self._texts.popleft() if self._texts else (json.dumps(self.story), "STOP")
            )
        parts = [{"text": text}] if text else []
        candidate = {"content": {"role": "model", "parts": parts}, "finishReason": reason}
        usage = {"promptTokenCount": 900, "candidatesTokenCount": 700}
        return {"candidates": [candidate], "usageMetadata": usage}

    def _image(self, config: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            plan = self._images.popleft() if self._images else {}
        if plan.get("refuse"):
            return {"candidates": [{"content": {"role": "model", "parts": []},
                                    "finishReason": plan["refuse"]}]}  # fmt: skip
        if plan.get("text_only"):
            parts: list[dict[str, Any]] = [{"text": "I cannot draw that today."}]
        else:
            aspect = config.get("imageConfig", {}).get("aspectRatio", "1:1")
            size = plan.get("size") or _IMAGE_SIZES.get(aspect, (320, 320))
            data = base64.b64encode(_png(size)).decode()
            parts = [{"inlineData": {"mimeType": "image/png", "data": data}}]
        return {"candidates": [{"content": {"role": "model", "parts": parts},
                                "finishReason": "STOP"}]}  # fmt: skip

    def _start(self, received: Received) -> dict[str, Any]:
        prompt = received.body["instances"][0]["prompt"]
        with self._lock:
            outcome = next((o for s, o in self.video_rules if s in prompt), None)
            if outcome is None:
                outcome = self._video_queue.popleft() if self._video_queue else self.default_video
            name = (f"projects/{received.project}/locations/{received.location}/publishers/"
                    f"google/models/{received.model}/operations/{uuid.uuid4()}")  # fmt: skip
            self.operations[name] = _Operation(outcome, received.body.get("parameters", {}))
        return {"name": name}

    def _fetch(self, name: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            op = self.operations.get(name)
            if op is None:
                return 404, {"error": {"code": 404, "message": f"no operation {name}",
                                       "status": "NOT_FOUND"}}  # fmt: skip
            op.fetched += 1
            running = time.monotonic() - op.started < op.outcome.seconds
            if op.fetched <= op.outcome.polls or running:
                return 200, {"name": name}
        outcome = op.outcome
        if outcome.error:
            code, message = outcome.error
            return 200, {"name": name, "done": True, "error": {"code": code, "message": message}}
        kind = "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse"
        if outcome.filtered is not None:
            return 200, {"name": name, "done": True, "response": {
                "@type": kind, "raiMediaFilteredCount": 1,
                "raiMediaFilteredReasons": outcome.filtered}}  # fmt: skip
        params = op.parameters
        data = self.video(int(params.get("durationSeconds", 8)), params.get("aspectRatio", "16:9"))
        storage = params.get("storageUri")
        if storage:
            video: dict[str, Any] = {"gcsUri": self._upload(storage, name, data)}
        else:
            video = {"bytesBase64Encoded": base64.b64encode(data).decode()}
        video["mimeType"] = "video/mp4"
        return 200, {"name": name, "done": True, "response": {
            "@type": kind, "raiMediaFilteredCount": 0, "videos": [video]}}  # fmt: skip

    def _upload(self, storage_uri: str, name: str, data: bytes) -> str:
        if self.gcs_client is None:
            raise AssertionError("storageUri sent but the stub has no storage client")
        bucket, _, prefix = storage_uri.removeprefix("gs://").partition("/")
        obj = f"{prefix}{name.rsplit('/', 1)[-1]}/sample_0.mp4"
        self.gcs_client.bucket(bucket).blob(obj).upload_from_string(data, content_type="video/mp4")
        return f"gs://{bucket}/{obj}"

    def video(self, seconds: int, aspect: str) -> bytes:
        """A real H.264 MP4 of `seconds` (made once per session and size)."""
        key = (seconds, aspect)
        # One encoder at a time: two operations finishing together share the file.
        with self._encode_lock:
            with self._lock:
                if key in self._videos:
                    return self._videos[key]
            data = self._encode(seconds, aspect)
            with self._lock:
                self._videos[key] = data
            return data

    def _encode(self, seconds: int, aspect: str) -> bytes:
        from common.media.render.ffmpeg import ffmpeg_exe

        width, height = _VIDEO_SIZES.get(aspect, _VIDEO_SIZES["16:9"])
        path = self._tmp / f"{seconds}-{aspect.replace(':', 'x')}.mp4"
        subprocess.run(
            [ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi", "-i",
             f"testsrc2=size={width}x{height}:rate=24:duration={seconds}", "-c:v", "libx264",
             "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path)],
            check=True, capture_output=True,
        )  # fmt: skip
        return path.read_bytes()

    # -- HTTP -------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                match = _PATH.match(self.path.split("?")[0])
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if match is None:
                    self._send(404, {"error": {"code": 404, "message": f"no route {self.path}"}})
                    return
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    self._send(400, {"error": {"code": 400, "message": "body is not JSON"}})
                    return
                received = Received(body=body, headers=dict(self.headers.items()),
                                    **match.groupdict())  # fmt: skip
                with stub._lock:
                    stub.received.append(received)
                    delays = stub._delays.get(received.verb)
                    pause = delays.popleft() if delays else stub.latency.get(_kind(received), 0.0)
                # The answer is settled when the request arrives, and only then delayed: a slow
                # answer whose client gave up must not wake later and take a fault (or a text,
                # an image) scripted for the requests that came after it.
                status, answer = stub._respond(received)
                if pause:
                    time.sleep(pause)
                self._send(status, answer)

            def _send(self, status: int, answer: dict[str, Any]) -> None:
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def _kind(received: Received) -> str:
    """What is answered: "text" or "image" (generateContent, by its modalities), or the verb."""
    if received.verb != "generateContent":
        return received.verb
    modalities = received.body.get("generationConfig", {}).get("responseModalities", [])
    return "image" if "IMAGE" in modalities else "text"


def decode_b64(text: str) -> bytes:
    """Base64 as protobuf's JSON reads it: standard or URL-safe alphabet, padding optional
    (google-genai sends bytes URL-safe)."""
    text = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _png(size: tuple[int, int]) -> bytes:
    """A PNG with a gradient and a frame, so scaling and cropping can be seen in tests."""
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size, (40, 90, 140))
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 8):
        draw.line([(0, y), (width, y)], fill=(40 + 200 * y // height, 90, 140))
    draw.rectangle([0, 0, width - 1, height - 1], outline=(255, 255, 0), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def vertex_server() -> Iterator[VertexStub]:
    stub = VertexStub()
    try:
        yield stub
    finally:
        stub.close()


@pytest.fixture
def vertex_stub(vertex_server: VertexStub) -> Iterator[VertexStub]:
    """The session's stub, with no scripted faults and an empty log."""
    vertex_server.reset()
    yield vertex_server
    vertex_server.reset()


@pytest.fixture
def vertex_client(vertex_stub: VertexStub) -> Any:
    """A google-genai client on the stub: a fixed token, 3 attempts, millisecond backoff."""
    from common.adapters.vertex.client import VertexOptions, build_client, static_credentials

    return build_client(
        VertexOptions(
            project="p",
            location="us-central1",
            base_url=vertex_stub.url,
            timeout_s=5,
            attempts=3,
            retry_delay_s=0.01,
            credentials=static_credentials(),
        )
    )
