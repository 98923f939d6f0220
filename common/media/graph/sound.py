"""The sound half of the assembly graph: narration placed per scene, music ducked under it, one
loudness-normalised track.

The balance of voice and music must not depend on how loud the files happen to be (an
espeak-ng narration sits near -20 LUFS, a quiet microphone near -30, a mastered song near -9).
So every narration file and the music are first brought to a fixed loudness with a gain from
their measured integrated loudness (`levels`, see common.media.render.levels): the voice at
VOICE_LUFS, the music MUSIC_UNDER_VOICE_LU under it. The normalised voice is then the key of a
sidechain compressor on the music, so the music drops by the same amount under every sentence,
and the mix is normalised once more to TARGET_LUFS for the platforms.

Without `levels` (a caller that did not measure), the files keep their own levels and the music
a fixed MUSIC_GAIN: the old behaviour, still correct for typical inputs.

Every length here is a count of samples, never a span of timestamps. The voice track used to
be the narrations' amix padded with `apad` and cut with `atrim=duration`, which measures from
the first frame's timestamp. But amix stamps its output with its first input's timestamps, and
`adelay` stamps the silence it puts before a narration with no timestamp when the graph asks
for sound before that narration's first frame has arrived, which in ffmpeg's threaded
pipeline depends on which thread ran first. Then the padding fell outside the timestamp window
and the soundtrack ended with the last narration: a 4.1 s test video kept 1.7 s of sound under
load (issue 16). Driven frame by frame through libavfilter in random arrival orders, that graph
gave the wrong length in about half of them; this one never
(tests/integration/test_soundtrack_arrival_order.py). So the voice is mixed onto a generated
silent bed of exactly the video's sample count (amix's first input, which decides its length
and its timestamps), every track is cut by sample count, and timestamps are renumbered from
the sample count after each cut.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

from common.media.graph.command import FfmpegCommand
from common.media.spec.timeline import Timeline

SAMPLE_RATE = 48_000
AUDIO_BITRATE = "160k"
# A draft's soundtrack (Timeline.draft_sound): the same graph and length, encoded with AAC's fast
# coder at 64 kb/s. Measured on a 10 s draft job's soundtrack: the encode 0.07 CPU-s against
# 0.35 s with the default coder at 160 kb/s, then half of the job's ffmpeg time. (Without the
# final loudness pass, 0.25 CPU-s more, an uploaded track looped under a draft sometimes ended
# 0.13 s before the picture, 3 renders in 26 under load: tests/e2e/test_clip_sources.py.)
DRAFT_AAC = ("-aac_coder", "fast", "-b:a", "64k")
TARGET_LUFS = -14.0
VOICE_LUFS = -16.0
# The music's own level under the voice before ducking: a bed, heard between sentences.
MUSIC_UNDER_VOICE_LU = 10.0
MUSIC_ALONE_LUFS = -16.0  # a timeline without narration: the music is the programme
MUSIC_GAIN = 0.3  # unmeasured music sits ~10 dB under a typical voice before ducking
MUSIC_FADE_IN_S, MUSIC_FADE_OUT_S = 1.0, 1.5
# Gains applied from measurements are bounded: a near-silent file is not blown up to noise.
MAX_CUT_DB, MAX_BOOST_DB = -24.0, 30.0
SILENT_LUFS = -60.0  # measured below this, a file is silence and keeps its level
# Against the normalised voice (its short-term level near -15 dBFS while it speaks), a -30.5
# dBFS threshold at 4:1 lowers the music by about 12 dB under speech (measured on the quality
# tests' narration: 12 dB whatever the input levels; 8:1 at -34 dBFS took 17 dB, a hole), and
# the music comes back within ~0.4 s after a sentence.
DUCK = "sidechaincompress=threshold=0.03:ratio=4:attack=20:release=400:makeup=1"
AFORMAT = f"aformat=sample_fmts=fltp:sample_rates={SAMPLE_RATE}:channel_layouts=stereo"
SILENCE = f"anullsrc=r={SAMPLE_RATE}:cl=stereo"


def gain_db(measured_lufs: float | None, target_lufs: float) -> float:
    """The gain (dB) that brings a file measured at `measured_lufs` to `target_lufs`.

    0 when nothing was measured or the file is silence; bounded by MAX_CUT_DB/MAX_BOOST_DB.
    """
    if measured_lufs is None or not math.isfinite(measured_lufs) or measured_lufs < SILENT_LUFS:
        return 0.0
    return min(max(target_lufs - measured_lufs, MAX_CUT_DB), MAX_BOOST_DB)


def audio_filters(
    cmd: FfmpegCommand,
    timeline: Timeline,
    total_s: float,
    *,
    levels: Mapping[Path, float] | None = None,
) -> None:
    """Narration placed per scene, music looped and ducked under it, loudness-normalised.

    Adds its inputs and filters to `cmd`; the result is labelled [aout] and holds exactly
    total_samples(total_s) samples. `levels` maps narration and music files to their integrated
    loudness in LUFS.
    """
    measured = levels or {}
    exact = exact_length(total_samples(total_s))
    voices = []
    for i, (start, scene) in enumerate(zip(timeline.starts(), timeline.scenes, strict=True)):
        if scene.narration_path is None:
            continue
        k = cmd.add_input("-i", str(scene.narration_path))
        delay_ms = round((start + scene.narration_offset_s) * 1000)
        gain = gain_db(measured.get(scene.narration_path), VOICE_LUFS)
        volume = f",volume={gain:.2f}dB" if gain else ""
        cmd.filters.append(f"[{k}:a]{AFORMAT}{volume},adelay=delays={delay_ms}:all=1[n{i}]")
        voices.append(f"[n{i}]")
    if voices:
        # The bed comes first: amix takes its length (duration=first) and its timestamps.
        # normalize=0: amix would otherwise divide every voice by the number of inputs.
        cmd.filters.append(f"{SILENCE},{exact}[bed]")
        mix = f"amix=inputs={len(voices) + 1}:normalize=0:duration=first:dropout_transition=0"
        cmd.filters.append(f"[bed]{''.join(voices)}{mix}[voice]")

    if timeline.music_path is None:
        if voices:
            mixed = "voice"
        else:
            cmd.filters.append(f"{SILENCE},{exact}[aout]")  # silence needs no normalising
            return
    else:
        _music(cmd, timeline.music_path, total_s, measured, voiced=bool(voices))
        if voices:
            cmd.filters.append("[voice]asplit=2[voice_mix][voice_key]")
            cmd.filters.append(f"[music][voice_key]{DUCK}[music_ducked]")
            cmd.filters.append(
                "[voice_mix][music_ducked]amix=inputs=2:normalize=0:duration=first[mixed]"
            )
            mixed = "mixed"
        else:
            mixed = "music"
    cmd.filters.append(
        f"[{mixed}]loudnorm=I={TARGET_LUFS}:TP=-1.5:LRA=11,aresample={SAMPLE_RATE},{exact}[aout]"
    )


def total_samples(total_s: float) -> int:
    """Samples in a soundtrack of `total_s` seconds (whole frames at 30 fps: 1600 a frame)."""
    return round(total_s * SAMPLE_RATE)


def exact_length(samples: int) -> str:
    """Filters that cut a track to `samples` samples by count and number its timestamps from
    that count, whatever timestamps reached them (see the module docstring)."""
    return f"atrim=end_sample={samples},asetpts=N/SR/TB"


def _music(
    cmd: FfmpegCommand, path: Path, total_s: float, measured: Mapping[Path, float], *, voiced: bool
) -> None:
    """[music]: the track looped (or trimmed) to `total_s`, at its level, faded in and out."""
    k = cmd.add_input("-stream_loop", "-1", "-i", str(path))
    if path in measured:
        target = VOICE_LUFS - MUSIC_UNDER_VOICE_LU if voiced else MUSIC_ALONE_LUFS
        volume = f"volume={gain_db(measured[path], target):.2f}dB"
    else:
        volume = f"volume={MUSIC_GAIN}"
    fade_in = min(MUSIC_FADE_IN_S, total_s / 2)
    fade_out = min(MUSIC_FADE_OUT_S, total_s / 2)
    fades = (
        f"afade=t=in:st=0:d={fade_in:.6f}"
        f",afade=t=out:st={max(total_s - fade_out, 0.0):.6f}:d={fade_out:.6f}"
    )
    exact = exact_length(total_samples(total_s))
    cmd.filters.append(f"[{k}:a]{AFORMAT},{exact},{volume},{fades}[music]")
