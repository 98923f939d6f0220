"""The sound half of the graph: measured gains, music with and without narration, ducking."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from common.media.graph.command import FfmpegCommand
from common.media.graph.sound import (
    MAX_BOOST_DB,
    MAX_CUT_DB,
    MUSIC_ALONE_LUFS,
    MUSIC_UNDER_VOICE_LU,
    VOICE_LUFS,
    audio_filters,
    gain_db,
)
from common.media.spec.timeline import Timeline


def timeline(*, voices: list[str | None], music: str | None = None) -> Timeline:
    scenes = [
        {"id": f"s{i}", "visual": {"kind": "image", "path": "img.png"}, "duration_s": 2.0}
        | ({"narration_path": voice} if voice else {})
        for i, voice in enumerate(voices)
    ]
    return Timeline.model_validate(
        {"width": 360, "height": 640, "scenes": scenes, "music_path": music}
    )


def graph(tl: Timeline, levels: dict[Path, float] | None = None) -> str:
    cmd = FfmpegCommand()
    audio_filters(cmd, tl, tl.duration_s, levels=levels)
    return cmd.filter_complex


def labels(graph_text: str) -> tuple[set[str], set[str]]:
    """(labels produced, labels consumed) by the graph's chains."""
    produced, consumed = set(), set()
    for chain in graph_text.split(";\n"):
        inputs = re.match(r"^((?:\[[^\]]+\])*)", chain)
        assert inputs is not None
        consumed |= set(re.findall(r"\[([^\]:]+)\]", inputs.group(1)))
        produced |= set(re.findall(r"\[([^\]]+)\]$", chain))
    return produced, consumed


def test_each_narration_is_brought_to_the_voice_level_from_its_measured_loudness() -> None:
    tl = timeline(voices=["quiet.wav", "loud.wav"])
    text = graph(tl, {Path("quiet.wav"): -30.0, Path("loud.wav"): -12.5})
    gains = [float(g) for g in re.findall(r"volume=(-?[\d.]+)dB,adelay", text)]
    assert gains == [pytest.approx(VOICE_LUFS + 30.0), pytest.approx(VOICE_LUFS + 12.5)]


def test_music_is_set_a_fixed_distance_under_the_voice_before_it_is_ducked() -> None:
    tl = timeline(voices=["v.wav"], music="song.mp3")
    text = graph(tl, {Path("v.wav"): -20.0, Path("song.mp3"): -9.0})
    music = next(c for c in text.split(";\n") if c.endswith("[music]"))
    want = VOICE_LUFS - MUSIC_UNDER_VOICE_LU + 9.0
    assert f"volume={want:.2f}dB" in music
    assert "[music][voice_key]sidechaincompress" in text


def test_music_without_narration_is_the_whole_track_and_leaves_no_dangling_voice() -> None:
    tl = timeline(voices=[None, None], music="song.mp3")
    text = graph(tl, {Path("song.mp3"): -9.0})
    produced, consumed = labels(text)
    assert "voice" not in produced and "sidechaincompress" not in text
    assert produced - consumed == {"aout"}, "every stream but the output is used"
    assert f"volume={MUSIC_ALONE_LUFS + 9.0:.2f}dB" in text and "loudnorm" in text


@pytest.mark.parametrize(
    ("voices", "music"),
    [(["v.wav"], None), (["v.wav", None], "m.wav"), ([None], None), ([None], "m.wav")],
)
def test_every_stream_the_audio_graph_makes_is_used(voices: list[str | None], music: str) -> None:
    produced, consumed = labels(graph(timeline(voices=voices, music=music)))
    assert produced - consumed == {"aout"}


def test_without_measurements_the_files_keep_their_levels_and_music_a_fixed_gain() -> None:
    text = graph(timeline(voices=["v.wav"], music="m.wav"))
    assert "dB,adelay" not in text
    assert "volume=0.3" in text


def test_gains_are_bounded_and_silence_is_left_alone() -> None:
    assert gain_db(-70.0, VOICE_LUFS) == 0.0  # ebur128 reads silence as -70 LUFS
    assert gain_db(None, VOICE_LUFS) == 0.0
    assert gain_db(float("-inf"), VOICE_LUFS) == 0.0
    assert gain_db(-59.0, VOICE_LUFS) == MAX_BOOST_DB
    assert gain_db(20.0, VOICE_LUFS) == MAX_CUT_DB
    assert gain_db(-23.0, VOICE_LUFS) == pytest.approx(7.0)


def test_short_videos_fade_the_music_over_at_most_half_their_length() -> None:
    tl = Timeline.model_validate(
        {"width": 360, "height": 640, "music_path": "m.wav"}
        | {"scenes": [{"id": "a", "visual": {"kind": "image", "path": "i.png"}, "duration_s": 1.0}]}
    )
    text = graph(tl)
    assert "afade=t=in:st=0:d=0.500000" in text and "afade=t=out:st=0.500000:d=0.500000" in text
