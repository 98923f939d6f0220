"""The ffmpeg command built from a timeline: clip fitting, Ken Burns expressions, audio, output.

The lanes, transitions and Ken Burns pieces are pinned in test_video_graph.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from common.media.graph.command import filter_value
from common.media.graph.whole import build_command
from common.media.spec.frames import frame_grid
from common.media.spec.timeline import Timeline

OUT = Path("out/video.mp4")


def scene(i: int, **kw: object) -> dict:
    return {"id": f"s{i}", "visual": {"kind": "image", "path": f"img{i}.png"}, **kw}


def timeline(*scenes: dict, **kw: object) -> Timeline:
    base = {"width": 360, "height": 640, "fps": 30, "scenes": list(scenes)}
    return Timeline.model_validate({**base, **kw})


def build(tl: Timeline, clips: dict[Path, float] | None = None, **kw: object) -> str:
    return build_command(tl, OUT, clip_durations=clips or {}, **kw).filter_complex  # type: ignore[arg-type]


def test_a_cut_joins_by_concat_and_drops_the_overlap() -> None:
    tl = timeline(
        scene(0, duration_s=2.0, transition="cut", transition_s=0.5),
        scene(1, duration_s=1.0),
    )
    graph = build(tl)
    assert "overlay" not in graph and "xfade" not in graph
    assert "[a0][a1]concat=n=2:v=1:a=0" in graph
    # Scene 0 shows until scene 1 starts (1.5 s = 45 frames), so the total is the spec's.
    assert "[a0_]loop=loop=44:size=1:start=0,trim=end_frame=45,setpts=N/(30*TB)[a0]" in graph
    cmd = build_command(tl, OUT, clip_durations={})
    frames = int(cmd.output[cmd.output.index("-frames:v") + 1])
    assert frames == round(tl.duration_s * 30)


def test_frame_grid_rounds_scene_boundaries_once_so_nothing_drifts() -> None:
    tl = timeline(*(scene(i, duration_s=1.01, transition_s=0.22) for i in range(12)))
    grid = frame_grid(tl)
    assert [first for first, _ in grid] == [round(s * 30) for s in tl.starts()]
    first, frames = grid[-1]
    assert abs((first + frames) / 30 - tl.duration_s) <= 0.5 / 30


def test_short_clips_are_slowed_at_most_one_and_a_half_times_then_held() -> None:
    tl = timeline({"id": "v", "visual": {"kind": "video", "path": "clip.mp4"}, "duration_s": 2.0})
    graph = build(tl, {Path("clip.mp4"): 0.5})
    assert "setpts=1.500000*PTS" in graph
    assert "tpad=stop_mode=clone" in graph
    assert "trim=end_frame=60" in graph


def test_a_clip_short_by_no_more_than_a_hold_is_held_not_slowed() -> None:
    # A 6 s clip bought for a 6 s scene, shown 6.5 s with its outgoing transition.
    tl = timeline({"id": "v", "visual": {"kind": "video", "path": "clip.mp4"}, "duration_s": 6.5})
    graph = build(tl, {Path("clip.mp4"): 6.0})
    assert "*PTS" not in graph.replace("setpts=PTS-STARTPTS", "")
    assert "tpad=stop_mode=clone" in graph


def test_a_clip_short_by_more_than_a_hold_is_slowed_just_enough_to_leave_one() -> None:
    tl = timeline({"id": "v", "visual": {"kind": "video", "path": "clip.mp4"}, "duration_s": 3.5})
    graph = build(tl, {Path("clip.mp4"): 2.0})
    assert "setpts=1.250000*PTS" in graph  # 2.5 s of motion, then its last frame held 1 s


def test_long_clips_are_trimmed_and_normalised_to_the_frame() -> None:
    tl = timeline({"id": "v", "visual": {"kind": "video", "path": "clip.mp4"}, "duration_s": 1.0})
    graph = build(tl, {Path("clip.mp4"): 8.0})
    assert "setpts=PTS-STARTPTS,fps=30,scale=360:640" in graph
    assert "tpad" not in graph and "*PTS" not in graph
    assert "trim=end_frame=30" in graph and "setsar=1" in graph and "format=yuv420p" in graph


def test_narration_is_delayed_to_its_place_and_mixed_onto_a_bed_of_the_videos_length() -> None:
    tl = timeline(
        scene(0, duration_s=2.0, narration_path="n0.wav", narration_offset_s=0.2),
        scene(1, duration_s=2.0, narration_path="n1.wav", narration_offset_s=0.1),
    )
    graph = build(tl)
    delays = [int(d) for d in re.findall(r"adelay=delays=(\d+):all=1", graph)]
    assert delays == [200, round((tl.starts()[1] + 0.1) * 1000)]
    samples = round(tl.duration_s * 48_000)
    # The bed is amix's first input: it sets the voice's length and timestamps, not the voices.
    assert f"anullsrc=r=48000:cl=stereo,atrim=end_sample={samples},asetpts=N/SR/TB[bed]" in graph
    assert "[bed][n0][n1]amix=inputs=3:normalize=0:duration=first" in graph
    assert "apad" not in graph and "atrim=duration" not in graph
    assert f"loudnorm=I=-14.0:TP=-1.5:LRA=11,aresample=48000,atrim=end_sample={samples}" in graph


def test_no_narration_gives_a_silent_track() -> None:
    graph = build(timeline(scene(0, duration_s=1.0)))
    assert "anullsrc=r=48000:cl=stereo" in graph
    assert "[aout]" in graph


def test_music_is_looped_ducked_under_the_voice_and_faded() -> None:
    tl = timeline(scene(0, duration_s=3.0, narration_path="n0.wav"), music_path="music.mp3")
    cmd = build_command(tl, OUT, clip_durations={})
    assert ["-stream_loop", "-1", "-i", "music.mp3"] in cmd.inputs
    graph = cmd.filter_complex
    assert "[music][voice_key]sidechaincompress" in graph
    assert "afade=t=in" in graph and "afade=t=out:st=1.500000" in graph
    assert "loudnorm" in graph


def test_captions_are_burned_with_the_ass_filter_and_a_fonts_dir() -> None:
    graph = build(
        timeline(scene(0, duration_s=1.0)),
        captions_ass=Path("/w/captions.ass"),
        fonts_dir=Path("/w/fonts"),
    )
    assert "ass=filename=\\'/w/captions.ass\\':fontsdir=\\'/w/fonts\\'" in graph


def test_filter_values_survive_both_levels_of_ffmpeg_escaping() -> None:
    assert filter_value("/tmp/a b/c.ass") == "\\'/tmp/a b/c.ass\\'"
    escaped = filter_value("/tmp/it's [x],y;z:w/c.ass")
    assert escaped == "\\'/tmp/it\\'\\\\\\'\\'s \\[x\\]\\,y\\;z:w/c.ass\\'"


def test_output_is_h264_yuv420p_aac_faststart_at_the_timeline_size_and_rate() -> None:
    tl = timeline(scene(0, duration_s=1.0), video_preset="veryfast", crf=23, fps=24)
    args = build_command(tl, OUT, clip_durations={}).args()
    joined = " ".join(args)
    for expected in (
        "-c:v libx264",
        "-preset veryfast",
        "-crf 23",
        "-pix_fmt yuv420p",
        "-r 24",
        "-c:a aac",
        "-ar 48000",
        "-movflags +faststart",
    ):
        assert expected in joined
    assert args[-1] == str(OUT)
    assert "scale=360:640" in joined and "crop=360:640" in joined
