"""Importing `main` (a function instance's cold start) builds nothing and pulls in no heavy
library: no numpy, no media stack, no provider SDK, no Google client."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    *("numpy", "PIL", "moviepy", "imageio_ffmpeg", "elevenlabs", "espeakng_loader", "grpc"),
    "opentelemetry",  # the tracer is built with the services, on the first request
)
# functions-framework itself brings google.cloud.functions (a tiny context module); any other
# google.* package is an SDK client.
ALLOWED_GOOGLE = ("google", "google.cloud", "google.cloud.functions", "google.cloud.functions_v1")


def _heavy(module: str) -> bool:
    if module.split(".")[0] in HEAVY:
        return True
    if module.startswith("google"):
        return not any(module == a or module.startswith(a + ".") for a in ALLOWED_GOOGLE[2:]) and (
            module not in ALLOWED_GOOGLE
        )
    return False


def test_importing_main_loads_no_heavy_module():
    code = "import json, sys, main; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    loaded = json.loads(out)
    heavy = [m for m in loaded if _heavy(m)]
    assert heavy == []
