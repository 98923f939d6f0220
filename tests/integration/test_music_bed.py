"""Music in the finished video: the offline ambient bed under a narration, and a creator's own
track longer than the video (trimmed and faded).

The narration stand-in lives in 800-3000 Hz and the bed below 700 Hz, so band-filtering the
decoded mix hears each alone (see tests/support/media_checks.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from common.media.render.assemble import assemble
from common.media.sources.music import ambient_bed
from common.media.spec.timeline import Timeline
from tests.support.media_checks import (
    MUSIC_BAND_HZ,
    band_pass,
    chord_wav,
    flat_still,
    level_db,
    loudness,
    speech_like_wav,
)
from tests.support.probe import decode_audio, ffprobe, stream

pytestmark = pytest.mark.slow

RATE = 48_000
BED_BAND_HZ = (80.0, 700.0)
TOTAL_S = 8.0
# One 8 s scene; the narration starts at 1.0 s with bursts (sentences) at known times.
BURSTS = [(0.4, 1.4), (2.4, 3.2), (4.2, 5.0)]
SENTENCES = [(1.0 + a, 1.0 + b) for a, b in BURSTS]
PAUSES = [(2.4, 3.4), (4.2, 5.2)]


def inside(spans: list[tuple[float, float]], settle_s: float) -> list[tuple[float, float]]:
    return [(lo + settle_s, hi - 0.05) for lo, hi in spans]


@pytest.fixture(scope="module")
def render(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path | None, float], Path]:
    """render(music, voice_peak) -> video: one narrated 8 s scene over `music`. Cached."""
    root = tmp_path_factory.mktemp("bed")
    still = flat_still(root / "still.png", (180, 320), (60, 60, 60))
    cache: dict[tuple[Path | None, float], Path] = {}

    def make(music: Path | None, voice_peak: float) -> Path:
        if (music, voice_peak) not in cache:
            voice = speech_like_wav(root / f"voice{voice_peak}.wav", 5.5, BURSTS, peak=voice_peak)
            scene = {"id": "s", "visual": {"kind": "image", "path": str(still)}}
            scene |= {"duration_s": TOTAL_S, "narration_path": str(voice)}
            timeline = Timeline.model_validate(
                {"width": 180, "height": 320, "video_preset": "veryfast", "caption_style": "none"}
                | {"scenes": [scene | {"narration_offset_s": 1.0}], "music_path": music}
            )
            name = f"{music.stem if music else 'none'}_{voice_peak}"
            cache[(music, voice_peak)] = assemble(timeline, root / name).video
        return cache[(music, voice_peak)]

    return make


@pytest.fixture(scope="module")
def bed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ambient_bed(tmp_path_factory.mktemp("music") / "bed.wav")


@pytest.mark.parametrize("voice_peak", [0.2, 0.5, 1.0])
def test_the_ambient_bed_plays_between_sentences_and_ducks_under_them(
    render: Callable[[Path | None, float], Path], bed: Path, voice_peak: float
) -> None:
    video = render(bed, voice_peak)
    audio = band_pass(decode_audio(video, RATE), RATE, *BED_BAND_HZ)
    between = [level_db(audio, RATE, lo, hi) for lo, hi in inside(PAUSES, 0.45)]
    under = [level_db(audio, RATE, lo, hi) for lo, hi in inside(SENTENCES, 0.15)]
    assert min(between) >= -40.0, f"the bed is heard between sentences: {between}"
    assert max(under) <= min(between) - 6.0, (under, between)
    # Without music that band is silent: what is heard there is the bed.
    bare = band_pass(decode_audio(render(None, voice_peak), RATE), RATE, *BED_BAND_HZ)
    assert level_db(bare, RATE, *inside(PAUSES, 0.45)[0]) <= min(between) - 30.0


def test_the_mix_with_the_bed_is_near_minus_14_lufs_and_never_clips(
    render: Callable[[Path | None, float], Path], bed: Path
) -> None:
    measured = loudness(render(bed, 0.5))
    assert -16.0 <= measured.integrated_lufs <= -12.0, measured
    assert measured.true_peak_dbfs <= -0.5, measured


def test_a_track_longer_than_the_video_is_cut_to_it_and_faded_out(
    render: Callable[[Path | None, float], Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    song = chord_wav(tmp_path_factory.mktemp("song") / "song.wav", 20.0, peak=0.7)
    video = render(song, 0.5)
    info = ffprobe(video)
    assert float(stream(info, "audio")["duration"]) == pytest.approx(TOTAL_S, abs=0.05)
    audio = band_pass(decode_audio(video, RATE), RATE, *MUSIC_BAND_HZ)
    held = level_db(audio, RATE, 6.8, 7.0)  # after the last sentence, before the fade
    fading = [level_db(audio, RATE, t, t + 0.15) for t in (7.2, 7.5, 7.8)]
    assert held > fading[0] > fading[1] > fading[2], (held, fading)
    assert fading[2] <= held - 12.0
