"""Integrated loudness of a timeline's audio files, measured in one ffmpeg run.

Each file goes through its own ebur128 meter (named after its index, so its summary can be told
apart in the log); the meters' outputs are concatenated into one null output. Decoding a few
minutes of narration takes well under a second. The music is measured over its first
MUSIC_PROBE_S only: a long song's level is known long before its end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from common.domain.errors import MediaError
from common.media.graph.sound import AFORMAT
from common.media.render.ffmpeg import run_ffmpeg
from common.media.spec.timeline import Timeline

MUSIC_PROBE_S = 60.0
_METER = re.compile(r"\[ebur128@m(\d+) @ [^\]]*\] Summary:(.*?)(?=\[ebur128@m\d+ @|\Z)", re.S)
_INTEGRATED = re.compile(r"I:\s*(-?[\d.]+|-inf) LUFS")


def timeline_audio(timeline: Timeline) -> list[Path]:
    """The narration files and the music file of `timeline`, each once, in order."""
    files = [s.narration_path for s in timeline.scenes if s.narration_path is not None]
    if timeline.music_path is not None:
        files.append(timeline.music_path)
    return list(dict.fromkeys(files))


def measure_levels(files: Iterable[Path], *, music: Path | None = None) -> dict[Path, float]:
    """{file: integrated loudness in LUFS} of every audio file (silence reads -70 or below).

    `music` names the file measured over its first MUSIC_PROBE_S only.
    Raises MediaError when ffmpeg cannot read a file or prints no summary for it.
    """
    paths = list(dict.fromkeys(files))
    if not paths:
        return {}
    args: list[str] = []
    chains = []
    for i, path in enumerate(paths):
        if path == music:
            args += ["-t", f"{MUSIC_PROBE_S:g}"]
        args += ["-i", str(path)]
        chains.append(f"[{i}:a]{AFORMAT},ebur128@m{i}=framelog=quiet[m{i}]")
    joined = "".join(f"[m{i}]" for i in range(len(paths)))
    chains.append(f"{joined}concat=n={len(paths)}:v=0:a=1[all]")
    stderr = run_ffmpeg(
        [*args, "-filter_complex", ";".join(chains), "-map", "[all]", "-f", "null", "-"],
        tail_lines=40 + 12 * len(paths),
    )
    found: dict[int, float] = {}
    for match in _METER.finditer(stderr):
        integrated = _INTEGRATED.search(match.group(2))
        if integrated:
            found[int(match.group(1))] = float(integrated.group(1))
    missing = [str(paths[i]) for i in range(len(paths)) if i not in found]
    if missing:
        raise MediaError(f"no loudness summary for {', '.join(missing)}", stderr[-2000:])
    return {path: found[i] for i, path in enumerate(paths)}


def timeline_levels(timeline: Timeline) -> dict[Path, float]:
    """The integrated loudness of `timeline`'s narration and music files."""
    return measure_levels(timeline_audio(timeline), music=timeline.music_path)
