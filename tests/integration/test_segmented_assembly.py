"""Segment-cached assembly (common/media/render/segmented.py) on real ffmpeg, against the one-pass
render of the same timeline: one valid stream, the same frames, A/V in sync, and a re-render
that encodes only the segments an edit touched.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from common.adapters.local.segment_cache import FolderSegmentCache
from common.domain.assets import Motion, WordTiming
from common.domain.errors import CancelledError
from common.media.render import ffmpeg
from common.media.render.assemble import assemble
from common.media.render.ffmpeg import ffmpeg_exe
from common.media.spec.frames import total_frames
from common.media.spec.segments import plan_segments
from common.media.spec.timeline import ImageVisual, Logo, Timeline, TimelineScene, VideoVisual
from tests.support.cached_render import assemble_cached
from tests.support.media_checks import frames_at
from tests.support.probe import decode_frames, ffprobe, ffprobe_exe, stream

FPS = 30
JOIN_PSNR_DB = 35.0


def words(*texts: str) -> list[WordTiming]:
    return [WordTiming(text=t, start_s=0.12 * k, end_s=0.12 * k + 0.1) for k, t in enumerate(texts)]


def the_timeline(media) -> Timeline:  # type: ignore[no-untyped-def]
    def still(i: int) -> ImageVisual:
        return ImageVisual(
            path=media.stills[i], motion=Motion(start=(0.5, 0.5, 1.04), end=(0.46, 0.5, 1.2))
        )

    scenes = [
        ("s01", still(0), 36, "crossfade", media.narrations[0], ("The", "night", "falls")),
        ("s02", VideoVisual(path=media.clip), 33, "dip", media.narrations[1], ("A", "fox")),
        ("s03", still(1), 30, "slide", None, ("runs", "far", "away")),
        ("s04", still(2), 27, "cut", media.narrations[0], ("Dawn", "comes")),
    ]
    return Timeline(
        width=180,
        height=320,
        fps=FPS,
        video_preset="ultrafast",
        scenes=[
            TimelineScene(
                id=sid, visual=visual, duration_s=frames / FPS, narration_path=voice,
                narration_offset_s=0.1, words=words(*said), text=" ".join(said),
                transition=kind, transition_s=9 / FPS,  # type: ignore[arg-type]
            )
            for sid, visual, frames, kind, voice, said in scenes
        ],
        music_path=media.music,
        logo=Logo(path=media.blob, size=0.2),
        fade_in_s=0.2,
        fade_out_s=0.2,
    )  # fmt: skip


@pytest.fixture(scope="module")
def renders(media, tmp_path_factory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("segmented")
    timeline = the_timeline(media)
    cache = FolderSegmentCache(root / "cache")
    single = assemble(timeline, root / "single")
    segmented, report = assemble_cached(timeline, root / "segmented", cache, workers=2)
    return timeline, cache, single, segmented, report, root


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(((a.astype(float) - b.astype(float)) ** 2).mean())
    return 99.0 if mse == 0 else 10 * np.log10(255**2 / mse)


def test_the_joined_segments_are_one_valid_stream_with_every_frame(renders):
    timeline, _, single, segmented, report, _ = renders
    names = ["s01", "s01>s02", "s02", "s02>s03", "s03", "s03>s04", "s04"]
    assert report.encoded == names and report.reused == []
    info = ffprobe(segmented.video)
    kinds = sorted(s["codec_type"] for s in info["streams"])
    assert kinds == ["audio", "video"]
    video = stream(info, "video")
    assert (video["width"], video["height"], video["codec_name"]) == (180, 320, "h264")
    assert int(video["nb_frames"]) == total_frames(timeline)
    assert int(stream(ffprobe(single.video), "video")["nb_frames"]) == total_frames(timeline)
    # Decoding the whole file reports nothing: no broken reference at any join.
    decoded = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(segmented.video), "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert decoded.stderr.strip() == ""
    # Presentation times step by exactly one frame throughout.
    pts = subprocess.run(
        [ffprobe_exe(), "-v", "error", "-select_streams", "v", "-show_entries", "frame=pts_time",
         "-of", "csv=p=0", str(segmented.video)],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    steps = np.diff([float(t.split(",")[0]) for t in pts])
    assert np.allclose(steps, 1 / FPS, atol=1e-3), sorted(set(np.round(steps, 4)))


def test_sound_and_picture_last_equally_long(renders):
    _, _, _, segmented, _, _ = renders
    info = ffprobe(segmented.video)
    video_s = float(stream(info, "video")["duration"])
    audio_s = float(stream(info, "audio")["duration"])
    assert abs(video_s - audio_s) <= 1 / FPS
    assert segmented.duration_s == pytest.approx(video_s, abs=1e-3)


def test_frames_at_every_join_match_the_one_pass_render(renders):
    timeline, _, single, segmented, _, _ = renders
    joins = [s.first for s in plan_segments(timeline)[1:]]
    wanted = sorted({k for j in joins for k in (j - 1, j, j + 1)})
    ones, segs = frames_at(single.video, wanted), frames_at(segmented.video, wanted)
    for k in wanted:
        assert psnr(ones[k], segs[k]) >= JOIN_PSNR_DB, f"frame {k}: {psnr(ones[k], segs[k]):.1f}"


def test_every_frame_matches_the_one_pass_render_but_for_a_caption_switch(renders):
    _, _, single, segmented, _, _ = renders
    ones, segs = decode_frames(single.video), decode_frames(segmented.video)
    values = [psnr(a, b) for a, b in zip(ones, segs, strict=True)]
    # A caption's word may light up one frame apart (ASS times are centiseconds, counted from
    # the segment's start): allow a few such frames, nothing else.
    low = [k for k, v in enumerate(values) if v < JOIN_PSNR_DB]
    assert len(low) <= 0.05 * len(values), low
    assert np.median(values) > 40


def test_a_partly_cached_render_encodes_the_rest_scene_by_scene_like_the_one_pass(renders):
    timeline, cache, single, _, report, root = renders
    # Only s02's body cached: the other segments come from one process per scene.
    partial = FolderSegmentCache(root / "partial-cache")
    key = report.keys["s02"]
    partial.store(key, Path(cache.folder) / f"{key}.mp4")
    video, again = assemble_cached(timeline, root / "partial", partial, workers=2)
    assert again.reused == ["s02"] and "s02" not in again.encoded and len(again.encoded) == 6
    values = [
        psnr(a, b)
        for a, b in zip(decode_frames(single.video), decode_frames(video.video), strict=True)
    ]
    low = [k for k, v in enumerate(values) if v < JOIN_PSNR_DB]
    assert len(low) <= 0.05 * len(values), low


def test_a_first_render_stopped_midway_raises_and_caches_nothing(media, tmp_path, monkeypatch):
    monkeypatch.setattr(ffmpeg, "STOP_CHECK_S", 0.0)
    asked = []

    def stop() -> bool:  # go on at the start, stop at the first check during the pass
        asked.append(True)
        return len(asked) > 1

    cache = FolderSegmentCache(tmp_path / "cache")
    with pytest.raises(CancelledError):
        assemble_cached(the_timeline(media), tmp_path / "out", cache, stop=stop)
    assert len(asked) == 2
    assert list(Path(cache.folder).iterdir()) == []


def test_a_second_render_of_the_same_timeline_encodes_nothing(renders):
    timeline, cache, _, segmented, _, root = renders
    again, report = assemble_cached(timeline, root / "again", cache)
    assert report.encoded == [] and len(report.reused) == 7
    assert np.array_equal(decode_frames(again.video), decode_frames(segmented.video))


def test_a_longer_line_reencodes_that_scene_and_the_transitions_around_it(renders):
    timeline, cache, _, segmented, _, root = renders
    scenes = list(timeline.scenes)
    scenes[1] = scenes[1].model_copy(
        update={"duration_s": 45 / FPS, "words": words("A", "red", "fox", "waits")}
    )
    edited = timeline.model_copy(update={"scenes": scenes})
    video, report = assemble_cached(edited, root / "edited", cache)
    assert report.encoded == ["s01>s02", "s02", "s02>s03"]
    assert report.reused == ["s01", "s03", "s03>s04", "s04"]
    # s01's body is the same frames; s03 and s04 moved 12 frames later and are the same too.
    old = {s.name: s for s in plan_segments(timeline)}
    new = {s.name: s for s in plan_segments(edited)}
    before, after = decode_frames(segmented.video), decode_frames(video.video)
    assert np.array_equal(before[: old["s01"].frames], after[: new["s01"].frames])
    assert new["s03"].first == old["s03"].first + 12
    assert np.array_equal(before[old["s03"].first :], after[new["s03"].first :])
    assert len(after) == total_frames(edited)


def test_segments_are_stored_under_their_keys(renders):
    _, cache, _, _, report, _ = renders
    stored = {p.stem for p in Path(cache.folder).glob("*.mp4")}
    assert set(report.keys.values()) <= stored
