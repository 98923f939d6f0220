"""Stills in the picture graph: one input per kind of still, dealt to the scenes' segments and
repeated there by reference (common/media/graph/stills.py)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from common.media.graph.whole import build_command
from common.media.spec.frames import scene_spans
from common.media.spec.timeline import Timeline
from tests.unit.test_video_graph import FPS, OUT, clip, lane, still, three_stills, timeline


def sized(tl: Timeline, size: tuple[int, int] = (600, 900)) -> dict[Path, tuple[int, int]]:
    """Every still of `tl` the same size: one kind, one input."""
    return {s.visual.path: size for s in tl.scenes if s.visual.kind == "image"}


def concat_listing(args: list[str]) -> list[str]:
    """The files an input's ffconcat data: URI lists, in order."""
    uri = args[args.index("-i") + 1]
    assert args[args.index("-f") + 1] == "concat" and uri.startswith("data:text/plain;base64,")
    text = base64.b64decode(uri.split(",", 1)[1]).decode()
    assert text.startswith("ffconcat version 1.0\n")
    return re.findall(r"^file 'file:(.*)'$", text, flags=re.M)


def repeated(graph_text: str, label: str) -> int:
    """How many frames segment `label` repeats its one frame to."""
    chain = lane(graph_text, label)
    pattern = rf"\[{label}_\]loop=loop=(\d+):size=1:start=0,trim=end_frame=(\d+),"
    match = re.match(pattern + rf"setpts=N/\({FPS}\*TB\)\[{label}\]$", chain)
    assert match and int(match.group(1)) + 1 == int(match.group(2)), chain
    return int(match.group(2))


def test_stills_of_one_kind_share_one_input_decoded_fitted_and_sharpened_once() -> None:
    tl = three_stills()
    cmd = build_command(tl, OUT, clip_durations={}, still_sizes=sized(tl))
    assert len(cmd.inputs) == 1
    assert cmd.inputs[0][:4] == ["-threads", "1", "-reinit_filter", "0"]
    assert concat_listing(cmd.inputs[0]) == [str(Path(f"img{i}.png").absolute()) for i in range(3)]
    source = cmd.filters[0]
    assert source.startswith("[0:v]scale=360:640:force_original_aspect_ratio=increase")
    assert "crop=360:640" in source and "convolution=" in source and "split=2" in source
    text = cmd.filter_complex
    assert "zoompan" not in text and "xfade" not in text
    assert "interpolation=linear:sense=source:eval=frame" in lane(text, "lane_a")


def test_each_still_goes_to_its_scenes_segments_repeated_by_reference() -> None:
    tl = three_stills()
    spans = scene_spans(tl)
    text = build_command(tl, OUT, clip_durations={}, still_sizes=sized(tl)).filter_complex
    # Lane A: frame j of the stream is scene j, from the end of its head to its end.
    assert "[s0a]segment=frames=1|2[a0_][a1_][a2_]" in text
    assert [repeated(text, f"a{i}") for i in range(3)] == [s.shown - s.head for s in spans]
    # Lane B: the stills with a head (not the first), each from the end of the window before.
    assert "[s0b]format=yuva420p[s0b_]" in text
    assert "[s0b_]select='eq(n,1)+eq(n,2)',segment=frames=1[b1_][b2_]" in text
    window_ends = [0] + [s.first + s.head for s in spans[1:]]
    assert [repeated(text, f"b{i}") for i in (1, 2)] == [
        window_ends[1] - window_ends[0],
        window_ends[2] - window_ends[1],
    ]
    assert lane(text, "lane_a").startswith("[a0][a1][a2]concat=n=3:v=1:a=0")
    assert "fps=" not in text  # fps pushes its copies ahead unasked: a lane renders ahead


def test_a_clip_between_stills_takes_its_place_on_the_lane() -> None:
    tl = timeline(
        still(0, duration_s=1.0, transition="cut", transition_s=0.0),
        clip(1, duration_s=1.0, transition="cut", transition_s=0.0),
        still(2, duration_s=1.0),
    )
    clips = {Path("clip1.mp4"): 5.0}
    cmd = build_command(tl, OUT, clip_durations=clips, still_sizes=sized(tl))
    assert cmd.inputs[0][-1] == "clip1.mp4"
    assert concat_listing(cmd.inputs[1]) == [
        str(Path(p).absolute()) for p in ("img0.png", "img2.png")
    ]
    text = cmd.filter_complex
    assert "[s0a]segment=frames=1[a0_][a2_]" in text
    assert repeated(text, "a0") == 30 and repeated(text, "a2") == 30
    assert lane(text, "joined").startswith("[a0][a1][a2]concat=n=3:v=1:a=0")


def test_stills_of_another_size_codec_or_unknown_size_get_inputs_of_their_own() -> None:
    tl = three_stills()
    sizes = {Path("img0.png"): (600, 900), Path("img1.png"): (1080, 1920)}
    cmd = build_command(tl, OUT, clip_durations={}, still_sizes=sizes)
    assert [len(concat_listing(args)) for args in cmd.inputs] == [1, 1, 1]
    jpeg = three_stills().model_copy(deep=True)
    jpeg.scenes[1].visual.path = Path("img1.jpg")
    mixed = build_command(jpeg, OUT, clip_durations={}, still_sizes=sized(jpeg))
    assert [len(concat_listing(args)) for args in mixed.inputs] == [2, 1]


@pytest.mark.parametrize("count", [3, 30])
def test_the_number_of_inputs_and_filters_does_not_grow_with_the_scenes(count: int) -> None:
    scenes = [
        still(i, duration_s=2.0, transition=("crossfade", "dip", "slide")[i % 3])
        for i in range(count)
    ]
    tl = timeline(*scenes)
    cmd = build_command(tl, OUT, clip_durations={}, still_sizes=sized(tl))
    text = cmd.filter_complex
    assert len(cmd.inputs) == 1
    assert text.count("perspective=") == 2
    assert text.count("overlay=") == 1
    assert text.count("concat=") == 2 and text.count("scale=") == 1
    assert "xfade" not in text


def test_lane_b_drops_the_stills_after_its_last_head() -> None:
    # The still after the clip comes in by a crossfade (a head on lane B); the last one by a
    # cut: lane B takes still 0 only, and must not let still 1 run on into its segment.
    tl = timeline(
        clip(0, duration_s=1.0, transition="crossfade", transition_s=0.2),
        still(1, duration_s=1.0, transition="cut", transition_s=0.0),
        still(2, duration_s=1.0),
    )
    clips = {Path("clip0.mp4"): 5.0}
    text = build_command(tl, OUT, clip_durations=clips, still_sizes=sized(tl)).filter_complex
    assert "[s0b_]select='eq(n,0)'[b1_]" in text
    assert "[s0a]segment=frames=1[a1_][a2_]" in text
