"""Segment planning and keys (common/media/spec/segments.py): pure, no ffmpeg."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from common.domain.assets import Motion, WordTiming
from common.media.graph.segments import (
    scene_command,
    segment_fades,
    segment_timeline,
    segmentable,
    whole_command,
)
from common.media.render.segment_keys import segment_key, timeline_files
from common.media.spec.frames import scene_spans, total_frames
from common.media.spec.segments import plan_segments
from common.media.spec.timeline import ImageVisual, Timeline, TimelineScene, VideoVisual
from common.media.text.captions import caption_layout, group_cues
from common.media.text.segment_captions import segment_ass

FPS = 30
STUB = Path("/tmp/stub.png")


def scene(
    i: int, frames: int, transition: str = "crossfade", tail: int = 15, words: int = 3
) -> TimelineScene:
    said = [
        WordTiming(text=f"w{i}x{k}", start_s=0.3 * k, end_s=0.3 * k + 0.25) for k in range(words)
    ]
    return TimelineScene(
        id=f"s{i:02d}",
        visual=ImageVisual(
            path=Path(f"/media/s{i}.png"),
            motion=Motion(start=(0.5, 0.5, 1.04), end=(0.45, 0.5, 1.2)),
        ),
        duration_s=frames / FPS,
        narration_offset_s=0.3,
        words=said,
        text=" ".join(w.text for w in said),
        transition=transition,  # type: ignore[arg-type]
        transition_s=tail / FPS,
    )


def timeline(*frames: int, transitions: tuple[str, ...] = ()) -> Timeline:
    kinds = transitions or ("crossfade", "dip", "slide", "cut") * 4
    return Timeline(
        width=360,
        height=640,
        fps=FPS,
        scenes=[scene(i + 1, n, kinds[i]) for i, n in enumerate(frames)],
    )


def digests(tl: Timeline, changed: str = "") -> dict[Path, str]:
    return {p: ("new-" if p.name == changed else "") + p.name for p in timeline_files(tl)}


def keys(tl: Timeline, changed: str = "") -> dict[str, str]:
    """Each segment's key, by name (s01, s01>s02, s02...)."""
    layout = caption_layout(tl.width, tl.height)
    cues = group_cues(tl, layout)
    found = {}
    for s in plan_segments(tl):
        ass = segment_ass(cues, s, FPS, layout=layout, font_family="DejaVu Sans", style="plain")
        found[s.name] = segment_key(tl, s, ass=ass, digests=digests(tl, changed), engine="x")
    return found


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    assert list(before) == list(after)
    return [name for name in before if before[name] != after[name]]


def test_segments_tile_the_frame_grid_once():
    tl = timeline(100, 120, 90, 150, 80)
    segments = plan_segments(tl)
    # crossfade, dip, slide, cut: the cut has no transition segment, the last scene none.
    names = [s.name for s in segments]
    assert names == ["s01", "s01>s02", "s02", "s02>s03", "s03", "s03>s04", "s04", "s05"]
    assert [s.frames for s in segments if s.into] == [15, 15, 15]
    assert segments[0].first == 0
    for a, b in itertools.pairwise(segments):
        assert a.first + a.frames == b.first
    assert segments[-1].first + segments[-1].frames == total_frames(tl)


@pytest.mark.parametrize("index", range(5))
def test_a_scenes_sub_timeline_gives_its_scenes_the_same_spans(index):
    tl = timeline(100, 120, 90, 150, 80)
    spans = scene_spans(tl)
    sub, shift = segment_timeline(tl, index, STUB)
    sub_spans = {s.id: span for s, span in zip(sub.scenes, scene_spans(sub), strict=True)}
    own = sub_spans[tl.scenes[index].id]
    assert (own.shown, own.head, own.tail) == (
        spans[index].shown,
        spans[index].head,
        spans[index].tail,
    )
    assert own.first == spans[index].first + shift
    if spans[index].tail:
        nxt = sub_spans[tl.scenes[index + 1].id]
        assert (nxt.shown, nxt.head) == (spans[index + 1].shown, spans[index + 1].head)
    assert all(not s.words and s.narration_path is None for s in sub.scenes)


def test_moving_a_scene_by_whole_frames_keeps_its_keys():
    before = keys(timeline(100, 120, 90, 150))
    # The first scene's new line is 12 frames longer: every later scene starts 12 frames later.
    after = keys(timeline(112, 120, 90, 150))
    assert changed(before, after) == ["s01", "s01>s02"]


def test_a_longer_scene_changes_its_body_and_the_transitions_around_it():
    before = keys(timeline(100, 120, 90, 150))
    after = keys(timeline(100, 131, 90, 150))
    # Its Ken Burns move spans all its frames, both transitions included.
    assert changed(before, after) == ["s01>s02", "s02", "s02>s03"]


def test_a_new_picture_changes_its_scene_and_the_transitions_around_it():
    tl = timeline(100, 120, 90, 150)
    assert changed(keys(tl), keys(tl, changed="s3.png")) == ["s02>s03", "s03", "s03>s04"]


def test_after_a_cut_the_next_scene_does_not_enter_the_key():
    tl = timeline(100, 120, transitions=("cut", "cut"))
    assert changed(keys(tl), keys(tl, changed="s2.png")) == ["s02"]


def test_segment_captions_are_timed_from_the_segments_first_frame():
    tl = timeline(100, 120, 90)
    layout = caption_layout(tl.width, tl.height)
    cues = group_cues(tl, layout)
    into_s02 = plan_segments(tl)[1]
    assert into_s02.name == "s01>s02"
    ass = segment_ass(cues, into_s02, FPS, layout=layout, font_family="F", style="plain")
    assert ass is not None
    events = [line for line in ass.splitlines() if line.startswith("Dialogue")]
    # s02's words start 0.3 s into it: 9 frames into the 15-frame transition into it.
    assert [e.split(",")[1] for e in events] == ["0:00:00.29"]
    assert "w2x0" in events[0]
    empty = timeline(100, 120, 90).model_copy(
        update={"scenes": [s.model_copy(update={"words": []}) for s in tl.scenes]}
    )
    assert segment_ass([], plan_segments(empty)[0], FPS, layout=layout, font_family="F",
                       style="plain") is None  # fmt: skip


def test_caption_changes_reach_only_the_segments_they_show_in():
    tl = timeline(100, 120, 90, 150)
    words = [WordTiming(text="other", start_s=0.3, end_s=0.5)]
    third = tl.scenes[2].model_copy(update={"words": words, "text": "other"})
    edited = tl.model_copy(update={"scenes": [*tl.scenes[:2], third, *tl.scenes[3:]]})
    # s03's first words were heard during the transition into it; the new one is not.
    assert changed(keys(tl), keys(edited)) == ["s02>s03", "s03"]


def test_fades_from_and_to_black_fall_in_the_first_and_last_segments():
    tl = timeline(100, 120, 90).model_copy(update={"fade_in_s": 0.4, "fade_out_s": 0.4})
    segments = plan_segments(tl)
    fades = [segment_fades(tl, s) for s in segments]
    assert [len(f or []) for f in fades] == [1, 0, 0, 0, 1]
    assert "fade=t=in" in fades[0][0] and "fade=t=out" in fades[-1][0]
    assert segmentable(tl)
    long_fade = tl.model_copy(update={"fade_in_s": 4.0})
    assert segment_fades(long_fade, segments[1]) is None and not segmentable(long_fade)


def test_a_scene_command_renders_once_and_encodes_each_segment_on_its_own():
    tl = timeline(100, 120, 90)
    body, into = [s for s in plan_segments(tl) if s.scene == 1]
    outputs = [(body, Path("/out/b.mp4"), None), (into, Path("/out/t.mp4"), None)]
    cmd = scene_command(tl, outputs, stub=STUB, clip_durations={})
    _, shift = segment_timeline(tl, 1, STUB)
    lo, hi = body.first + shift, into.first + into.frames + shift
    text = cmd.filter_complex
    assert f"trim=start_frame={lo}:end_frame={hi},setpts=PTS-STARTPTS,split=2" in text
    assert f"trim=start_frame=0:end_frame={body.frames}," in text
    assert f"trim=start_frame={body.frames}:end_frame={body.frames + into.frames}," in text
    frames = [cmd.output[k + 1] for k, arg in enumerate(cmd.output) if arg == "-frames:v"]
    assert frames == [str(body.frames), str(into.frames)]
    assert cmd.output.count("libx264") == 2 and "[aout]" not in text
    # The transition alone: the body's frames are filtered, trimmed, never encoded.
    alone = scene_command(tl, outputs[1:], stub=STUB, clip_durations={})
    chain = next(f for f in alone.filters if f.endswith("[v0]"))
    window = f"trim=start_frame={into.first + shift}:end_frame={hi},setpts=PTS-STARTPTS,"
    assert window + "format=yuv420p" in chain


def test_a_whole_command_encodes_once_and_cuts_at_forced_idr_frames_on_segment_starts():
    tl = timeline(100, 120, 90)
    starts = [s.first for s in plan_segments(tl)[1:]]
    cmd = whole_command(tl, Path("/out/segment_%03d.mp4"), clip_durations={})
    out = cmd.output
    assert out.count("libx264") == 1 and "[aout]" not in cmd.filter_complex
    assert out[out.index("-segment_frames") + 1] == ",".join(map(str, starts))
    forced = [float(t) * FPS for t in out[out.index("-force_key_frames") + 1].split(",")]
    # Each key frame falls on its segment's first frame, half a frame early: rounding of the
    # printed time cannot move it.
    assert forced == pytest.approx([first - 0.5 for first in starts], abs=1e-3)
    assert out[out.index("-forced-idr") + 1] == "1"
    assert out[out.index("-frames:v") + 1] == str(total_frames(tl))
    assert out[-1] == "/out/segment_%03d.mp4"


def test_clip_files_count_as_files_of_the_timeline():
    tl = timeline(100, 120)
    clip = tl.scenes[1].model_copy(update={"visual": VideoVisual(path=Path("/media/c.mp4"))})
    tl = tl.model_copy(update={"scenes": [tl.scenes[0], clip]})
    assert Path("/media/c.mp4") in timeline_files(tl)


def test_another_motion_changes_its_scene_and_the_transitions_around_it():
    tl = timeline(100, 120, 90)
    moved = tl.scenes[1].visual.model_copy(
        update={"motion": Motion(start=(0.5, 0.5, 1.2), end=(0.5, 0.5, 1.04))}
    )
    scenes = [tl.scenes[0], tl.scenes[1].model_copy(update={"visual": moved}), tl.scenes[2]]
    edited = tl.model_copy(update={"scenes": scenes})
    assert changed(keys(tl), keys(edited)) == ["s01>s02", "s02", "s02>s03"]


def test_the_output_format_enters_every_key():
    tl = timeline(100, 120)
    smaller = tl.model_copy(update={"crf": 28})
    assert changed(keys(tl), keys(smaller)) == ["s01", "s01>s02", "s02"]
