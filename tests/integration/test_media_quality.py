"""The quality of assemble()'s output, measured on short generated timelines.

Audio: narration is syllable-modulated noise in a high band (800-3000 Hz) with bursts at known
times, music a steady low chord (110-220 Hz), so band-filtering the decoded mix hears each
alone: loudness is read with ffmpeg's ebur128 scanner, ducking and fades as band levels in
windows. Video: captions over a flat-colour still, so every pixel that differs from that colour
is caption, and the highlight is the only warm-yellow thing in the frame.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from common.domain.assets import WordTiming
from common.media.render.assemble import assemble
from common.media.spec.timeline import Timeline
from tests.support.media_checks import (
    MUSIC_BAND_HZ,
    VOICE_BAND_HZ,
    band_pass,
    changed_mask,
    chord_wav,
    flat_still,
    frames_at,
    highlight_mask,
    level_db,
    loudness,
    speech_like_wav,
)
from tests.support.probe import decode_audio, ffprobe

pytestmark = pytest.mark.slow

RATE = 48_000
BACKGROUND = (70, 90, 120)  # blue-grey: neither caption white nor highlight yellow

# Audio timeline: two 4 s scenes joined by a cut, each with a narration file: (scene start,
# narration offset, file length, bursts in the file). The music fades in over the silent first
# 1.4 s and out over the last 1.5 s.
AUDIO_TOTAL_S = 8.0
NARRATIONS = [(0.0, 1.2, 2.6, [(0.2, 1.0), (1.8, 2.4)]), (4.0, 0.6, 1.0, [(0.0, 0.8)])]
SENTENCES = [(1.4, 2.2), (3.0, 3.6), (4.6, 5.4)]  # absolute seconds
PAUSES = [(2.2, 3.0), (3.6, 4.6), (5.4, 6.5)]  # the last ends where the fade-out begins
TYPICAL_VOICE, QUIET_VOICE = 0.5, 0.2  # peaks: about -20 LUFS (like espeak) and -28 LUFS
LOUD_VOICE = 1.0  # about -14 LUFS: a hot recording
TYPICAL_MUSIC, LOUD_MUSIC = 0.5, 0.9  # peaks: about -15 LUFS and -10 LUFS (a mastered track)

# Caption timeline: one 3.2 s scene, two lines separated by a pause with no words.
CAPTION_WORDS = [
    ("Red", 0.3, 0.7),
    ("fox", 0.7, 1.1),
    ("runs", 1.1, 1.5),
    ("Moon", 2.3, 2.6),
    ("glows", 2.6, 2.9),
]
SPOKEN_AT = [0.5, 0.9, 1.3, 2.45, 2.75]  # the middle of each word, in order
SILENT_AT = [0.1, 1.6, 1.9, 2.2, 3.1]  # before the first word, in the pause, after the last
FPS = 30


def frame_index(t: float, fps: int = FPS) -> int:
    """The frame on screen at time t."""
    return int(t * fps)


def windows_inside(spans: list[tuple[float, float]], settle_s: float) -> list[tuple[float, float]]:
    """Each span without its first `settle_s` (the ducker's attack or release) and last 50 ms."""
    return [(lo + settle_s, hi - 0.05) for lo, hi in spans]


# --- audio -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def audio_render(tmp_path_factory: pytest.TempPathFactory) -> Callable[[float, float], Path]:
    """render(voice_peak, music_peak) -> video path; 0 leaves that track out. Cached."""
    root = tmp_path_factory.mktemp("audio")
    still = flat_still(root / "still.png", (180, 320), BACKGROUND)
    cache: dict[tuple[float, float], Path] = {}

    def render(voice_peak: float, music_peak: float) -> Path:
        key = (voice_peak, music_peak)
        if key in cache:
            return cache[key]
        name = f"v{voice_peak}_m{music_peak}"
        scene: dict[str, Any] = {"visual": {"kind": "image", "path": str(still)}}
        scenes = [
            scene | {"id": "a", "duration_s": 4.0, "transition": "cut", "transition_s": 0.0},
            scene | {"id": "b", "duration_s": 4.0},
        ]
        for i, (_, offset, length, bursts) in enumerate(NARRATIONS if voice_peak else []):
            wav = root / f"{name}_{i}.wav"
            speech_like_wav(wav, length, bursts, peak=voice_peak, seed=i)
            scenes[i] |= {"narration_path": str(wav), "narration_offset_s": offset}
        music = chord_wav(root / f"{name}.wav", 2.0, peak=music_peak) if music_peak else None
        timeline = Timeline.model_validate(
            {"width": 180, "height": 320, "video_preset": "veryfast", "caption_style": "none"}
            | {"music_path": str(music) if music else None, "scenes": scenes}
        )
        assert timeline.duration_s == AUDIO_TOTAL_S
        assert [start for start, *_ in NARRATIONS] == timeline.starts()
        cache[key] = assemble(timeline, root / name).video
        return cache[key]

    return render


def band_levels(
    video: Path, band: tuple[float, float], spans: list[tuple[float, float]]
) -> list[float]:
    """The level in dB of `band` of the video's audio over each span."""
    audio = band_pass(decode_audio(video, RATE), RATE, *band)
    return [level_db(audio, RATE, lo, hi) for lo, hi in spans]


@pytest.mark.parametrize(
    ("voice_peak", "music_peak"),
    [
        pytest.param(TYPICAL_VOICE, TYPICAL_MUSIC, id="typical-mix"),
        pytest.param(0.03, 0.03, id="very-quiet-inputs"),
        pytest.param(1.0, LOUD_MUSIC, id="full-scale-inputs"),
        pytest.param(TYPICAL_VOICE, 0.0, id="narration-only"),
        pytest.param(0.0, TYPICAL_MUSIC, id="music-only"),
    ],
)
def test_integrated_loudness_lands_near_minus_14_lufs_whatever_the_input_levels(
    audio_render: Callable[[float, float], Path], voice_peak: float, music_peak: float
) -> None:
    measured = loudness(audio_render(voice_peak, music_peak))
    assert -16.0 <= measured.integrated_lufs <= -12.0, measured
    # Platforms ask for -1 dBTP; AAC may overshoot the limiter a little, clipping is a defect.
    assert measured.true_peak_dbfs <= -0.5, measured


@pytest.mark.parametrize(
    ("voice_peak", "music_peak"),
    [
        pytest.param(TYPICAL_VOICE, TYPICAL_MUSIC, id="typical-mix"),
        pytest.param(QUIET_VOICE, LOUD_MUSIC, id="quiet-voice-loud-music"),
        pytest.param(LOUD_VOICE, TYPICAL_MUSIC, id="loud-voice"),
    ],
)
def test_music_ducks_under_every_sentence_and_recovers_in_every_pause(
    audio_render: Callable[[float, float], Path], voice_peak: float, music_peak: float
) -> None:
    video = audio_render(voice_peak, music_peak)
    under_speech = band_levels(video, MUSIC_BAND_HZ, windows_inside(SENTENCES, 0.15))
    in_pauses = band_levels(video, MUSIC_BAND_HZ, windows_inside(PAUSES, 0.45))
    assert max(under_speech) <= min(in_pauses) - 6.0, (under_speech, in_pauses)
    # The narration itself is where the sentences are, and silent in the pauses.
    voice = band_levels(video, VOICE_BAND_HZ, windows_inside(SENTENCES + PAUSES, 0.15))
    assert min(voice[: len(SENTENCES)]) >= max(voice[len(SENTENCES) :]) + 30.0, voice


def test_music_fades_in_at_the_start_and_out_at_the_end(
    audio_render: Callable[[float, float], Path],
) -> None:
    video = audio_render(TYPICAL_VOICE, TYPICAL_MUSIC)
    middle = float(np.median(band_levels(video, MUSIC_BAND_HZ, windows_inside(PAUSES, 0.45))))
    end = AUDIO_TOTAL_S
    starts = [(0.0, 0.3), (0.0, 0.15), (0.15, 0.3)]
    ends = [(end - 0.3, end), (end - 0.3, end - 0.15), (end - 0.15, end)]
    opening, first, second = band_levels(video, MUSIC_BAND_HZ, starts)
    closing, last_but_one, last = band_levels(video, MUSIC_BAND_HZ, ends)
    assert opening <= middle - 6.0 and closing <= middle - 6.0, (opening, closing, middle)
    # A fade, not a late start or an early stop: the level keeps changing inside those 0.3 s.
    assert second >= first + 2.0, ("fade-in", first, second)
    assert last_but_one >= last + 2.0, ("fade-out", last_but_one, last)


@pytest.mark.parametrize(
    "voice_peak",
    [
        pytest.param(TYPICAL_VOICE, id="typical-narration"),
        pytest.param(QUIET_VOICE, id="quiet-narration"),
    ],
)
def test_narration_stays_well_above_a_loud_music_track_while_it_speaks(
    audio_render: Callable[[float, float], Path], voice_peak: float
) -> None:
    video = audio_render(voice_peak, LOUD_MUSIC)
    spans = windows_inside(SENTENCES, 0.15)
    voice = band_levels(video, VOICE_BAND_HZ, spans)
    music = band_levels(video, MUSIC_BAND_HZ, spans)
    margins = [v - m for v, m in zip(voice, music, strict=True)]
    assert min(margins) >= 10.0, f"voice above music under each sentence (dB): {margins}"


def test_the_voice_sits_the_same_distance_above_the_music_whatever_the_input_levels(
    audio_render: Callable[[float, float], Path],
) -> None:
    # Narration and music are normalised before they meet: 28 dB of difference in the inputs'
    # balance (a quiet narrator over a mastered song, a hot one over a soft bed) leaves the mix
    # the same within a couple of dB, under speech and between sentences.
    mixes = [(QUIET_VOICE, LOUD_MUSIC), (TYPICAL_VOICE, TYPICAL_MUSIC), (LOUD_VOICE, 0.1)]
    under, between = [], []
    for voice_peak, music_peak in mixes:
        video = audio_render(voice_peak, music_peak)
        spans = windows_inside(SENTENCES, 0.15)
        voice = band_levels(video, VOICE_BAND_HZ, spans)
        music = band_levels(video, MUSIC_BAND_HZ, spans)
        under.append(float(np.median([v - m for v, m in zip(voice, music, strict=True)])))
        pauses = band_levels(video, MUSIC_BAND_HZ, windows_inside(PAUSES, 0.45))
        between.append(float(np.median(voice)) - float(np.median(pauses)))
    assert max(under) - min(under) <= 2.0, f"voice above music under speech (dB): {under}"
    assert max(between) - min(between) <= 2.0, f"voice above music between sentences: {between}"
    assert min(under) >= 10.0, under


# --- captions ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def caption_frames(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str], dict[int, np.ndarray]]:
    """frames(style) -> {frame number: RGB frame} at SPOKEN_AT and SILENT_AT. Cached."""
    root = tmp_path_factory.mktemp("captions")
    still = flat_still(root / "still.png", (360, 640), BACKGROUND)
    words = [WordTiming(text=w, start_s=a, end_s=b) for w, a, b in CAPTION_WORDS]
    cache: dict[str, dict[int, np.ndarray]] = {}

    def frames(style: str) -> dict[int, np.ndarray]:
        if style not in cache:
            scene = {"id": "s", "visual": {"kind": "image", "path": str(still)}}
            timeline = Timeline.model_validate(
                {"width": 360, "height": 640, "fps": FPS, "video_preset": "veryfast"}
                | {"caption_style": style, "scenes": [scene | {"duration_s": 3.2, "words": words}]}
            )
            video = assemble(timeline, root / style).video
            indices = [frame_index(t) for t in SPOKEN_AT + SILENT_AT]
            cache[style] = frames_at(video, indices)
        return cache[style]

    return frames


def source_frame(height: int, width: int) -> np.ndarray:
    """What an uncaptioned frame of the flat still looks like."""
    return np.broadcast_to(np.array(BACKGROUND, dtype=np.uint8), (height, width, 3))


def caption_pixels(frame: np.ndarray) -> np.ndarray:
    """Pixels clearly different from the uncaptioned still (encoder noise here is < 10)."""
    return changed_mask(frame, source_frame(*frame.shape[:2]), threshold=40.0)


def assert_uncaptioned(frame: np.ndarray, what: str) -> None:
    diff = np.abs(frame.astype(np.int16) - source_frame(*frame.shape[:2])).max()
    assert diff <= 12, f"{what}: differs from the uncaptioned still by up to {diff}"


@pytest.mark.parametrize("style", ["highlight", "plain"])
def test_captions_are_drawn_while_words_are_spoken_and_gone_in_pauses(
    caption_frames: Callable[[str], dict[int, np.ndarray]], style: str
) -> None:
    frames = caption_frames(style)
    for t in SPOKEN_AT:
        drawn = caption_pixels(frames[frame_index(t)])
        assert drawn.sum() > 800, f"{style}: no caption at {t} s"
        rows, height = np.nonzero(drawn.any(axis=1))[0], drawn.shape[0]
        assert 0.5 * height <= rows.min() and rows.max() <= 0.88 * height, f"{style} at {t} s"
    for t in SILENT_AT:
        assert_uncaptioned(frames[frame_index(t)], f"{style} at {t} s")


def test_highlight_colours_the_spoken_word_and_moves_along_the_line(
    caption_frames: Callable[[str], dict[int, np.ndarray]],
) -> None:
    frames = caption_frames("highlight")
    centres = []
    for t in SPOKEN_AT:
        frame = frames[frame_index(t)]
        yellow, drawn = highlight_mask(frame), caption_pixels(frame)
        assert yellow.sum() > 100, f"no highlighted word at {t} s"
        assert (yellow & ~drawn).sum() == 0, f"highlight colour outside the caption at {t} s"
        # The rest of the line stays white: the whole line is not highlighted.
        assert drawn.sum() > 2 * yellow.sum(), f"more than one word highlighted at {t} s"
        centres.append(float(np.nonzero(yellow)[1].mean()))
    red, fox, runs, moon, glows = centres
    # Each next word of a line is highlighted further right (words are 30+ px wide).
    assert red + 20 < fox < runs - 20 and moon + 20 < glows, centres
    for t in SILENT_AT:
        assert highlight_mask(frames[frame_index(t)]).sum() == 0, f"highlight at {t} s"


def test_plain_captions_show_the_whole_line_unchanged_and_never_the_highlight(
    caption_frames: Callable[[str], dict[int, np.ndarray]],
) -> None:
    frames = caption_frames("plain")
    for t in SPOKEN_AT + SILENT_AT:
        assert highlight_mask(frames[frame_index(t)]).sum() == 0, f"highlight colour at {t} s"
    # One line stays the same while its words are spoken: no per-word changes.
    first, last = (frames[frame_index(t)] for t in (SPOKEN_AT[0], SPOKEN_AT[2]))
    assert changed_mask(first, last, threshold=40.0).sum() < 20


def test_caption_style_none_burns_nothing(
    caption_frames: Callable[[str], dict[int, np.ndarray]],
) -> None:
    frames = caption_frames("none")
    for t in SPOKEN_AT + SILENT_AT:
        assert_uncaptioned(frames[frame_index(t)], f"none at {t} s")


# --- sizes, streams and duration per aspect -----------------------------------------------

ASPECTS = {
    "9:16": (360, 640, 30),
    "16:9": (640, 360, 24),
    "1:1": (480, 480, 25),
}
# Lowest row a caption may reach: portrait apps cover the bottom ~12% with their own text.
SAFE_BOTTOM = {"9:16": 0.88, "16:9": 0.92, "1:1": 0.92}


@pytest.fixture(scope="module")
def aspect_render(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str], tuple[Timeline, Path]]:
    """render(aspect) -> (timeline, video): two crossfaded scenes of a 3:2 still, narrated,
    captioned, with music. Cached."""
    root = tmp_path_factory.mktemp("aspects")
    still = flat_still(root / "still.png", (600, 400), BACKGROUND)
    narration = speech_like_wav(root / "voice.wav", 1.0, [(0.1, 0.9)], peak=TYPICAL_VOICE)
    music = chord_wav(root / "music.wav", 1.0, peak=TYPICAL_MUSIC)
    words = [
        WordTiming(text="Hello", start_s=0.1, end_s=0.5),
        WordTiming(text="there", start_s=0.5, end_s=0.9),
    ]
    cache: dict[str, tuple[Timeline, Path]] = {}

    def render(aspect: str) -> tuple[Timeline, Path]:
        if aspect not in cache:
            width, height, fps = ASPECTS[aspect]
            visual = {"kind": "image", "path": str(still)}
            scenes = [
                {"id": "a", "visual": visual, "duration_s": 1.5, "transition_s": 0.5},
                {"id": "b", "visual": visual, "duration_s": 1.5}
                | {"narration_path": str(narration), "narration_offset_s": 0.2, "words": words},
            ]
            timeline = Timeline.model_validate(
                {"width": width, "height": height, "fps": fps, "video_preset": "veryfast"}
                | {"music_path": str(music), "scenes": scenes}
            )
            cache[aspect] = (timeline, assemble(timeline, root / aspect.replace(":", "x")).video)
        return cache[aspect]

    return render


@pytest.mark.parametrize("aspect", list(ASPECTS))
def test_output_has_the_timeline_size_rate_duration_and_one_h264_and_one_aac_stream(
    aspect_render: Callable[[str], tuple[Timeline, Path]], aspect: str
) -> None:
    timeline, video = aspect_render(aspect)
    info = ffprobe(video)
    kinds = sorted(s["codec_type"] for s in info["streams"])
    assert kinds == ["audio", "video"]
    v = next(s for s in info["streams"] if s["codec_type"] == "video")
    a = next(s for s in info["streams"] if s["codec_type"] == "audio")
    assert (v["codec_name"], v["width"], v["height"]) == ("h264", timeline.width, timeline.height)
    assert v["pix_fmt"] == "yuv420p" and v.get("sample_aspect_ratio", "1:1") == "1:1"
    assert v["r_frame_rate"] == f"{timeline.fps}/1"
    expected_s = 2.5  # 1.5 + 1.5 - the 0.5 s crossfade
    assert timeline.duration_s == pytest.approx(expected_s)
    assert int(v["nb_frames"]) == round(expected_s * timeline.fps)
    assert (a["codec_name"], a["sample_rate"], a["channels"]) == ("aac", "48000", 2)
    for duration in (info["format"]["duration"], v["duration"], a["duration"]):
        assert float(duration) == pytest.approx(expected_s, abs=0.05)


@pytest.mark.parametrize("aspect", list(ASPECTS))
def test_a_still_of_another_aspect_fills_the_frame_and_captions_sit_in_the_safe_area(
    aspect_render: Callable[[str], tuple[Timeline, Path]], aspect: str
) -> None:
    timeline, video = aspect_render(aspect)
    w, h, fps = timeline.width, timeline.height, timeline.fps
    # Scene b starts at 1.0 s, its voice at 1.2 s: "Hello" 1.3-1.7 s, "there" 1.7-2.1 s.
    before, during = frame_index(0.5, fps), frame_index(1.5, fps)
    frames = frames_at(video, [before, during])
    assert_uncaptioned(frames[before], f"{aspect} before the words (bars or a seam?)")
    drawn = caption_pixels(frames[during])
    assert drawn.sum() > 300, f"{aspect}: no caption while 'Hello' is spoken"
    rows, cols = np.nonzero(drawn.any(axis=1))[0], np.nonzero(drawn.any(axis=0))[0]
    # Lower half, clear of the bottom edge and the side edges where apps put their buttons.
    assert rows.min() >= 0.5 * h and rows.max() <= SAFE_BOTTOM[aspect] * h, (rows.min(), rows.max())
    assert cols.min() >= 0.06 * w and cols.max() <= 0.94 * w, (cols.min(), cols.max(), w)
