"""Assembly benchmark: our one-pass engine against the time the encoder alone needs.

Generates inputs (6 scenes, 1080x1920, 30 fps, about 30 s, offline illustrations, espeak-ng
narration, a synthesised music bed, captions, crossfades), then measures side by side in one run:

- engine_s: assemble() wall time (graph build, render, encode, thumbnail);
- encode_floor_s: ffmpeg re-encoding our output with the same codec settings (decode included);
- engine_vs_floor = engine_s / encode_floor_s (target <= 1.3, media engine issue);
- peak RSS (MiB) of each, children included.

Each measurement runs in a fresh process so peak RSS is its own. Results go to
bench/results.json and a table is printed. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from common.media.timeline import Timeline

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROMPT = "A lighthouse keeper befriends a lonely whale"
WIDTH, HEIGHT, FPS = 1080, 1920, 30


def _music(path: Path, seconds: float, rate: int = 44100) -> Path:
    """A soft pad: two slowly alternating chords of sine partials with a gentle tremolo."""
    t = np.arange(int(seconds * rate)) / rate
    chords = [(220.0, 277.18, 329.63), (196.0, 246.94, 293.66)]
    signal = np.zeros_like(t)
    for i, chord in enumerate(chords):
        gate = 0.5 + 0.5 * np.cos(np.pi * t / 4.0 + i * np.pi)
        for f in chord:
            signal += gate * np.sin(2 * np.pi * f * t) / len(chord)
    signal *= 0.25 * (0.85 + 0.15 * np.sin(2 * np.pi * 0.2 * t))
    pcm = (np.clip(signal, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def make_timeline(workdir: Path) -> Timeline:
    """Generated inputs for a ~30 s, 6-scene vertical video, as a Timeline."""
    from common.adapters.offline.espeak_narrator import EspeakNarrator
    from common.adapters.offline.painter import OfflineImageGenerator
    from common.adapters.offline.script_writer import OfflineScriptWriter
    from common.domain.assets import ImageRequest, NarrationRequest, ScriptRequest
    from common.media.motion import plan_motion
    from common.media.timeline import ImageVisual, Timeline, TimelineScene

    story = OfflineScriptWriter().write(ScriptRequest(prompt=PROMPT, duration_s=36))
    painter, narrator = OfflineImageGenerator(), EspeakNarrator()
    scenes = []
    for i, scene in enumerate(story.scenes[:6]):
        image = painter.generate(
            ImageRequest(
                kind="keyframe",
                prompt=scene.visual_prompt,
                width=WIDTH,
                height=HEIGHT,
                seed=i,
                palette=story.style.palette,
                mood=scene.mood,
                setting=scene.setting,
                characters=[c for c in story.style.characters if c.id in scene.characters],
            )
        )
        png = workdir / f"s{i}.png"
        png.write_bytes(image.data)
        voice = narrator.narrate(NarrationRequest(text=scene.narration, language=story.language))
        wav = workdir / f"s{i}.wav"
        wav.write_bytes(voice.audio)
        duration = 0.3 + voice.duration_s + 0.5 + 0.5
        scenes.append(
            TimelineScene(
                id=scene.id,
                visual=ImageVisual(path=png, motion=plan_motion(i, scene.mood, duration)),
                duration_s=duration,
                narration_path=wav,
                narration_offset_s=0.3,
                words=voice.words,
                text=scene.narration,
                transition=("crossfade", "dip", "slide")[i % 3],
                transition_s=0.5,
            )
        )
    timeline = Timeline(width=WIDTH, height=HEIGHT, fps=FPS, title=story.title, scenes=scenes)
    music = _music(workdir / "music.wav", timeline.duration_s + 1)
    return timeline.model_copy(update={"music_path": music})


def _peak_rss_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _engine(timeline_json: str, out: str, result: Any) -> None:
    from common.media.assemble import assemble
    from common.media.timeline import Timeline

    timeline = Timeline.model_validate_json(timeline_json)
    start = time.perf_counter()
    assemble(timeline, Path(out))
    result.put((time.perf_counter() - start, _peak_rss_mib()))


def _floor(video: str, out: str, preset: str, crf: int, result: Any) -> None:
    from common.media.ffmpeg import run_ffmpeg

    start = time.perf_counter()
    run_ffmpeg(
        ["-i", video, "-c:v", "libx264", "-preset", preset, "-crf", str(crf),
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "160k", out]
    )  # fmt: skip
    result.put((time.perf_counter() - start, _peak_rss_mib()))


def _measure(target: Any, *args: object) -> tuple[float, float]:
    ctx = multiprocessing.get_context("spawn")
    result = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, result))
    proc.start()
    seconds, rss = result.get(timeout=3600)
    proc.join()
    return float(seconds), float(rss)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-assembly-") as tmp:
        work = Path(tmp)
        print("generating inputs (6 scenes, 1080x1920, 30 fps)...", flush=True)
        timeline = make_timeline(work)
        out = work / "engine"
        engine_s, engine_rss = _measure(_engine, timeline.model_dump_json(), str(out))
        video = out / "video.mp4"
        floor_s, floor_rss = _measure(
            _floor, str(video), str(work / "floor.mp4"), timeline.video_preset, timeline.crf
        )
        results = {
            "video_s": round(timeline.duration_s, 2),
            "engine_s": round(engine_s, 2),
            "encode_floor_s": round(floor_s, 2),
            "engine_vs_floor": round(engine_s / floor_s, 3),
            "engine_peak_rss_mib": round(engine_rss, 1),
            "floor_peak_rss_mib": round(floor_rss, 1),
        }
    path = ROOT / "bench" / "results.json"
    merged = json.loads(path.read_text()) if path.exists() else {}
    merged.update(results)
    path.write_text(json.dumps(merged, indent=2) + "\n")
    width = max(len(k) for k in results)
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
