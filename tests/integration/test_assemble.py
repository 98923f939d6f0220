"""assemble() on generated 1-second scenes, checked with an independent ffprobe and decoding."""

from __future__ import annotations

import itertools
import logging
import os
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from common.domain.assets import WordTiming
from common.domain.errors import InvalidInputError, MediaError
from common.media.render.assemble import AssemblyResult, assemble
from common.media.render.ffmpeg import media_duration, run_ffmpeg
from common.media.spec.timeline import Timeline
from common.media.text.fonts import choose_fonts, drop_uncovered_symbols, installed_fonts
from tests.integration.conftest import MUSIC_HZ, VOICE_HZ, GeneratedMedia
from tests.support.probe import band_energy, decode_audio, decode_frames, ffprobe, stream
from tests.support.processes import ffmpeg_children

RATE = 48_000


def word(text: str, start: float, end: float) -> WordTiming:
    return WordTiming(text=text, start_s=start, end_s=end)


def story_timeline(media: GeneratedMedia) -> Timeline:
    """Five scenes joined by every kind of transition, two narrated, music under all."""
    still = [str(p) for p in media.stills]
    scenes = [
        {
            "id": "hook",
            "visual": {"kind": "image", "path": still[0]},
            "duration_s": 1.2,
            "narration_path": str(media.narrations[0]),
            "narration_offset_s": 0.1,
            "words": [word("Hello", 0.1, 0.25), word("brave", 0.25, 0.4), word("world.", 0.4, 0.5)],
            "transition": "crossfade",
            "transition_s": 0.3,
        },
        {
            "id": "clip",
            "visual": {"kind": "video", "path": str(media.clip)},
            "duration_s": 1.0,
            "narration_path": str(media.narrations[1]),
            "words": [word("你好", 0.2, 0.4), word("世界", 0.4, 0.6)],
            "transition": "dip",
            "transition_s": 0.3,
        },
        {"id": "c", "visual": {"kind": "image", "path": still[1]}, "duration_s": 1.0}
        | {"transition": "slide", "transition_s": 0.2},
        {"id": "d", "visual": {"kind": "image", "path": still[2]}, "duration_s": 1.0}
        | {"transition": "cut", "transition_s": 0.3},
        {"id": "e", "visual": {"kind": "image", "path": still[0]}, "duration_s": 1.0},
    ]
    return Timeline.model_validate(
        {"width": 360, "height": 640, "fps": 30, "title": "The Fox Who Kept the Moon"}
        | {"video_preset": "veryfast", "music_path": str(media.music), "scenes": scenes}
    )


@pytest.fixture(scope="module")
def story(
    media: GeneratedMedia, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Timeline, AssemblyResult, list[float]]:
    timeline = story_timeline(media)
    seen: list[float] = []
    result = assemble(timeline, tmp_path_factory.mktemp("story"), progress=seen.append)
    return timeline, result, seen


def window(samples: np.ndarray, start: float, end: float) -> np.ndarray:
    return samples[round(start * RATE) : round(end * RATE)]


def mean_luma(frame: np.ndarray, rows: slice = slice(None)) -> float:
    return float(frame[rows].mean())


@pytest.mark.slow
def test_video_has_the_exact_size_h264_and_aac_and_the_timeline_duration(story) -> None:
    timeline, result, _ = story
    info = ffprobe(result.video)
    video, audio = stream(info, "video"), stream(info, "audio")
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", 360, 640)
    assert video["pix_fmt"] == "yuv420p" and video["r_frame_rate"] == "30/1"
    assert (audio["codec_name"], audio["sample_rate"]) == ("aac", "48000")
    assert abs(float(info["format"]["duration"]) - timeline.duration_s) <= 0.1
    assert abs(float(audio["duration"]) - timeline.duration_s) <= 0.1
    assert abs(result.duration_s - timeline.duration_s) <= 0.1
    assert (result.width, result.height) == (360, 640)


@pytest.mark.slow
def test_narration_is_heard_where_each_scene_places_it(story) -> None:
    _, result, _ = story
    audio = decode_audio(result.video, RATE)

    def voice(a: float, b: float) -> float:
        return band_energy(window(audio, a, b), RATE, VOICE_HZ - 60, VOICE_HZ + 60)

    # Scene 0 at 0 s + offset 0.1 + burst 0.1-0.5; scene 1 at 0.9 s + burst 0.2-0.6.
    quiet = max(voice(0.7, 1.0), voice(2.0, 2.6))
    assert voice(0.25, 0.55) > 20 * quiet
    assert voice(1.15, 1.45) > 20 * quiet


@pytest.mark.slow
def test_music_loops_to_the_end_and_ducks_under_the_voice(story) -> None:
    _, result, _ = story
    audio = decode_audio(result.video, RATE)

    def music(a: float, b: float) -> float:
        return band_energy(window(audio, a, b), RATE, MUSIC_HZ - 20, MUSIC_HZ + 20)

    alone = music(2.0, 2.6)  # the 0.7 s music file has looped several times by then
    assert alone > 0
    assert music(0.25, 0.55) < 0.5 * alone


@pytest.mark.slow
def test_dip_transition_passes_through_black(story) -> None:
    _, result, _ = story
    frames = decode_frames(result.video)
    # Scene 2 starts at 1.6 s after a 0.3 s dip: black around 1.75 s (frame 52).
    darkest = min(mean_luma(f) for f in frames[49:57])
    assert darkest < 0.25 * mean_luma(frames[44])


@pytest.mark.slow
def test_caption_files_start_at_the_first_words_absolute_time(story) -> None:
    _, result, _ = story
    # First word: scene 0 starts at 0, narration offset 0.1, word at 0.1.
    srt = result.captions_srt.read_text(encoding="utf-8")
    vtt = result.captions_vtt.read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:00,200 --> ")
    assert vtt.startswith("WEBVTT\n\n00:00:00.200 --> ")
    assert "你好世界" in srt and "00:00:01.100 --> 00:00:01.500" in vtt
    assert result.captions_ass is not None and "Dialogue:" in result.captions_ass.read_text()


@pytest.mark.slow
def test_thumbnail_is_a_bright_jpeg_of_the_video_size_with_the_title(story) -> None:
    _, result, _ = story
    with Image.open(result.thumbnail) as thumb:
        assert thumb.format == "JPEG"
        assert thumb.size == (360, 640)
        grey = np.asarray(thumb.convert("L"), dtype=float)
    assert grey.mean() > 40
    assert sorted(p.name for p in result.video.parent.iterdir()) == [
        "captions.ass",
        "captions.srt",
        "captions.vtt",
        "thumbnail.jpg",
        "video.mp4",
    ]
    # White title text over the darkened top: many near-white pixels up there.
    assert (grey[: 640 // 3] > 230).sum() > 500


@pytest.mark.slow
def test_progress_rises_to_one(story) -> None:
    _, _, seen = story
    assert seen and seen[-1] == 1.0
    assert seen == sorted(seen)


@pytest.mark.slow
def test_chinese_and_arabic_captions_are_drawn_in_the_caption_area(
    media: GeneratedMedia, tmp_path: Path
) -> None:
    flat = str(media.flat)
    scenes = [
        {"id": "zh", "visual": {"kind": "image", "path": flat}, "duration_s": 1.0}
        | {"words": [word("月亮", 0.0, 0.5), word("很亮", 0.5, 1.0)]}
        | {"transition": "cut", "transition_s": 0.0},
        {"id": "ar", "visual": {"kind": "image", "path": flat}, "duration_s": 1.0}
        | {"words": [word("القمر", 0.0, 0.5), word("جميل", 0.5, 1.0)]},
    ]
    base = {"width": 360, "height": 640, "video_preset": "ultrafast", "scenes": scenes}
    # An awkward folder name also checks the escaping of the ASS path in the filter graph.
    captioned = assemble(Timeline.model_validate(base), tmp_path / "it's [a],b;c")
    bare = assemble(Timeline.model_validate(base | {"caption_style": "none"}), tmp_path / "bare")
    with_text, without = decode_frames(captioned.video), decode_frames(bare.video)
    lower, upper = slice(400, 600), slice(0, 300)
    for n in (15, 45):  # middle of each scene
        diff = np.abs(with_text[n].astype(float) - without[n].astype(float))
        # Glyph strokes (white on grey, dark outline) change hundreds of pixels a lot.
        assert (diff[lower] > 60).sum() > 300, f"no caption drawn in frame {n}"
        assert (diff[upper] > 20).sum() == 0
    assert captioned.captions_ass is not None
    style = next(
        line
        for line in captioned.captions_ass.read_text().splitlines()
        if line.startswith("Style:")
    )
    main_font = style.split(",")[1]
    assert main_font == choose_fonts("月亮很亮 القمر جميل")[0].family


@pytest.mark.slow
def test_ken_burns_pan_moves_the_same_sub_pixel_step_every_frame(
    media: GeneratedMedia, tmp_path: Path
) -> None:
    motion = {"start": (0.45, 0.5, 1.2), "end": (0.55, 0.5, 1.2), "easing": "linear"}
    kb_scene = {
        "id": "kb",
        "visual": {"kind": "image", "path": str(media.blob), "motion": motion},
        "duration_s": 1.5,
    }
    timeline = Timeline.model_validate(
        {"width": 360, "height": 640, "fps": 30, "caption_style": "none", "crf": 12}
        | {"video_preset": "veryfast", "scenes": [kb_scene]}
    )
    frames = decode_frames(assemble(timeline, tmp_path).video).astype(float)
    xx = np.arange(360)[None, :]
    weights = np.clip(frames - 60, 0, None)
    centre_x = (weights * xx).sum(axis=(1, 2)) / weights.sum(axis=(1, 2))
    steps = np.diff(centre_x)
    # The window pans 10% of 360 px at zoom 1.2: 43.2 px over 44 steps, right to left.
    assert steps.mean() == pytest.approx(-43.2 / 44, abs=0.05)
    assert np.abs(steps - steps.mean()).max() < 0.15  # zoompan here: 0/-1.2 px alternation
    assert (np.abs(steps) > 0.5).all()


COLOURS = [(200, 60, 60), (60, 180, 60), (60, 60, 200)]


@pytest.fixture(scope="module")
def transitions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Timeline, np.ndarray]:
    """Three flat-colour stills joined by a crossfade then a slide (15 frames each), in RGB."""
    root = tmp_path_factory.mktemp("transitions")
    scenes = []
    for i, (colour, kind) in enumerate(zip(COLOURS, ["crossfade", "slide", "cut"], strict=True)):
        path = root / f"flat{i}.png"
        Image.new("RGB", (360, 640), colour).save(path)
        scenes.append(
            {"id": f"s{i}", "visual": {"kind": "image", "path": str(path)}, "duration_s": 1.5}
            | {"transition": kind, "transition_s": 0.5 if kind != "cut" else 0.0}
        )
    timeline = Timeline.model_validate(
        {"width": 360, "height": 640, "fps": 30, "caption_style": "none", "crf": 12}
        | {"video_preset": "veryfast", "scenes": scenes}
    )
    video = assemble(timeline, root / "out").video
    return timeline, decode_frames(video, pix_fmt="rgb24").astype(float)


@pytest.mark.slow
def test_a_crossfade_blends_the_two_scenes_in_proportion(transitions) -> None:
    _, frames = transitions
    assert len(frames) == 105  # 3 x 45 frames less two 15-frame overlaps
    # Scene 1 comes in over frames 30-44; on frame 30 + j it weighs j/15.
    for j in (0, 5, 10, 14):
        want = np.add(np.multiply(COLOURS[0], 1 - j / 15), np.multiply(COLOURS[1], j / 15))
        assert frames[30 + j][100:540, 40:320].mean(axis=(0, 1)) == pytest.approx(want, abs=6)
    assert frames[45].mean(axis=(0, 1)) == pytest.approx(COLOURS[1], abs=4)


@pytest.mark.slow
def test_a_slide_pushes_the_outgoing_scene_out_as_the_next_comes_in(transitions) -> None:
    _, frames = transitions
    # Scene 2 comes in from the right over frames 60-74; on frame 60 + j it is 24 j px in.
    for j in (4, 7, 11):
        edge = 360 - 24 * j
        left, right = frames[60 + j][:, : edge - 6], frames[60 + j][:, edge + 6 :]
        assert left.mean(axis=(0, 1)) == pytest.approx(COLOURS[1], abs=6)
        assert right.mean(axis=(0, 1)) == pytest.approx(COLOURS[2], abs=6)


@pytest.mark.slow
def test_a_short_clip_is_held_with_a_gentle_zoom_not_a_freeze(
    media: GeneratedMedia, tmp_path: Path
) -> None:
    scene = {"id": "c", "visual": {"kind": "video", "path": str(media.clip)}, "duration_s": 2.0}
    timeline = Timeline.model_validate(
        {"width": 360, "height": 640, "fps": 30, "caption_style": "none", "crf": 12}
        | {"video_preset": "veryfast", "scenes": [scene]}
    )
    frames = decode_frames(assemble(timeline, tmp_path).video).astype(float)
    # The 0.6 s clip slowed 1.5x covers 27 frames; the last one is held for the other 33.
    held = frames[27:]

    def change(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.abs(a - b).mean())

    steps = [change(a, b) for a, b in itertools.pairwise(held)]
    overall = change(held[0], held[-1])
    assert overall > 3 * max(steps)  # it keeps moving, a little each frame
    assert change(frames[26], held[0]) < overall  # and starts from the clip's last frame


@pytest.mark.slow
def test_media_duration_reads_audio_and_video_without_ffprobe(media: GeneratedMedia) -> None:
    assert media_duration(media.narrations[0]) == pytest.approx(0.8, abs=0.01)
    assert media_duration(media.clip) == pytest.approx(0.6, abs=0.05)


@pytest.mark.slow
def test_failed_ffmpeg_raises_media_error_with_its_stderr(tmp_path: Path) -> None:
    with pytest.raises(MediaError) as caught:
        run_ffmpeg(["-i", str(tmp_path / "missing.wav"), str(tmp_path / "out.wav")])
    assert "missing.wav" in caught.value.stderr


def test_a_progress_callback_that_raises_stops_ffmpeg_at_once(tmp_path: Path) -> None:
    class Stopped(Exception):
        pass

    def stop(_fraction: float) -> None:
        raise Stopped

    # An hour of frames at their real pace: only the kill can end it within seconds.
    args = ["-re", "-f", "lavfi", "-i", "color=size=64x64:rate=30", "-t", "3600",
            "-f", "null", "-"]  # fmt: skip
    started = time.monotonic()
    with pytest.raises(Stopped):
        run_ffmpeg(args, progress=stop, total_s=3600)
    assert time.monotonic() - started < 30
    assert not ffmpeg_children(os.getpid())


def test_bad_inputs_are_named_before_anything_runs(tmp_path: Path) -> None:
    missing = {"kind": "image", "path": str(tmp_path / "no.png")}
    timeline = Timeline.model_validate(
        {
            "width": 361,
            "height": 640,
            "scenes": [
                {"id": "a", "visual": missing, "duration_s": 1.0, "transition_s": 1.0}
                | {"narration_path": str(tmp_path / "no.wav")},
                {"id": "b", "visual": missing, "duration_s": 2.0},
            ],
        }
    )
    with pytest.raises(InvalidInputError) as caught:
        assemble(timeline, tmp_path / "out")
    assert set(caught.value.fields) == {
        "width",
        "scenes[0].visual.path",
        "scenes[0].narration_path",
        "scenes[0].transition_s",
        "scenes[1].visual.path",
    }
    assert not (tmp_path / "out").exists()


def test_installed_fonts_cover_latin_greek_cyrillic_arabic_and_chinese() -> None:
    faces = choose_fonts("Hello Ωμέγα Привет مرحبا 你好 2024!")
    assert all(any(f.covers(c) for f in faces) for c in "HΩПم你2!")
    assert installed_fonts() is installed_fonts()  # scanned once


def test_uncovered_emoji_is_dropped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    private_use = "\U000f0000"  # no font draws a supplementary private-use character
    with caplog.at_level(logging.WARNING):
        assert drop_uncovered_symbols(f"fox{private_use}") == "fox"
    assert "dropping" in caplog.text
