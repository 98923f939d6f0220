"""The peers' way of assembling a Timeline, for the benchmark: MoviePy 2, frame by frame in Python.

Modelled on the most used peer, harry0703/MoneyPrinterTurbo (app/services/video.py), whose
stills go through four encodes:

1. Each still becomes a zoom clip: an ImageClip resized frame by frame in Python, written with
   write_videofile (its preprocess_video).
2. Each clip is opened again with VideoFileClip, fitted, given its transition inside the clip
   (its "fade in" is a fade from black: no clip sees its neighbour's frames) and written to a
   temp file (combine_videos).
3. The clip files are joined by ffmpeg's concat demuxer, re-encoding (libx264, yuv420p).
4. The joined video is opened with VideoFileClip, one TextClip per subtitle line is laid over
   it in a CompositeVideoClip, the narration and the looped, lowered music are attached, and
   write_videofile writes the result (generate_video).

This module does the same, as a fair implementation of that approach: the per-frame Ken Burns
work is one PIL crop-and-resize of the window from a decoded still (bilinear; the peer resizes
the whole still every frame and crops after), a scene fades in from black over the previous
scene's transition and runs until the next one starts (so the scenes end to end keep the
timeline's frame grid), and every encode uses the engine's settings (libx264 with the
timeline's preset and crf, yuv420p; AAC 160k at 48 kHz), where the peer leaves x264 at its
defaults. The measured gap is the approach and not a handicap. Not used by the product; bench
only.

MoviePy reads its ffmpeg from FFMPEG_BINARY when it is imported; naive_assemble() points it at
the engine's binary (imageio-ffmpeg's, or $STORYGENIUS_FFMPEG) so both encode with one ffmpeg.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image, ImageFont

if TYPE_CHECKING:
    from common.media.spec.timeline import Timeline, TimelineScene

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
AUDIO_RATE = 48_000
AUDIO_BITRATE = "160k"
# As the engine mixes it before ducking (common.media.graph.whole); peers do not duck or normalise.
MUSIC_GAIN = 0.3
MUSIC_FADE_IN_S, MUSIC_FADE_OUT_S = 1.0, 1.5


def naive_assemble(timeline: Timeline, out: Path) -> Path:
    """Render `timeline` to `out` (an .mp4) the way MoviePy-based peers do, and return `out`.

    Zoom clips, scene files and the joined video live in a temp dir next to `out`, removed at
    the end.
    Image scenes only (the benchmark's timelines are stills). Raises MediaError when a scene is
    a video clip, the caption font is missing or ffmpeg fails to join the scenes.
    """
    from common.media.render.ffmpeg import ffmpeg_exe

    os.environ["FFMPEG_BINARY"] = ffmpeg_exe()  # read by moviepy.config at import
    from moviepy import CompositeAudioClip, CompositeVideoClip, VideoFileClip

    from common.media.render.ffmpeg import run_ffmpeg
    from common.media.spec.frames import frame_grid

    fps = timeline.fps
    grid = frame_grid(timeline)
    total_s = (grid[-1][0] + grid[-1][1]) / fps
    with tempfile.TemporaryDirectory(prefix=".naive-", dir=out.parent) as tmp:
        work = Path(tmp)
        # Encodes 1 and 2: each still to a zoom clip, then the clip cut to its scene and faded
        # in, each to a file of its own. Encode 3: the scene files joined, re-encoded.
        listing = []
        for i, (first, frames) in enumerate(grid):
            shown = grid[i + 1][0] - first if i + 1 < len(grid) else frames
            zoom_file, scene_file = work / f"zoom-{i:03d}.mp4", work / f"scene-{i:03d}.mp4"
            zoom = _zoom_clip(timeline, i, frames)
            try:
                _write(zoom, zoom_file, timeline)
            finally:
                zoom.close()
            source = VideoFileClip(str(zoom_file), audio=False)
            try:
                _write(_scene_clip(timeline, i, source, shown), scene_file, timeline)
            finally:
                source.close()
            listing.append(f"file '{scene_file.name}'\n")
        (work / "scenes.txt").write_text("".join(listing))
        joined = work / "joined.mp4"
        run_ffmpeg(["-f", "concat", "-safe", "0", "-i", str(work / "scenes.txt"),
                    *_codec_args(timeline), str(joined)])  # fmt: skip

        # Encode 4: the joined video under the caption lines, with the soundtrack.
        base = VideoFileClip(str(joined), audio=False)
        video = CompositeVideoClip([base, *_caption_clips(timeline)])
        audio_clips = _audio_clips(timeline, total_s)
        if audio_clips:
            video = video.with_audio(CompositeAudioClip(audio_clips).with_duration(video.duration))
        try:
            _write(
                video,
                out,
                timeline,
                audio_codec="aac",
                audio_bitrate=AUDIO_BITRATE,
                audio_fps=AUDIO_RATE,
                temp_audiofile_path=str(work),
            )
        finally:
            for clip in audio_clips:
                clip.close()
            video.close()
            base.close()
    return out


def _codec_args(timeline: Timeline) -> list[str]:
    """The engine's x264 settings, as ffmpeg arguments."""
    return ["-c:v", "libx264", "-preset", timeline.video_preset, "-crf", str(timeline.crf),
            "-pix_fmt", "yuv420p"]  # fmt: skip


def _write(clip: Any, path: Path, timeline: Timeline, **audio: Any) -> None:
    """write_videofile with the engine's encoder settings (no audio unless `audio` says so)."""
    clip.write_videofile(
        str(path),
        fps=timeline.fps,
        codec="libx264",
        preset=timeline.video_preset,
        audio=bool(audio),
        ffmpeg_params=["-crf", str(timeline.crf), "-pix_fmt", "yuv420p",
                       "-movflags", "+faststart"],
        logger=None,
        **audio,
    )  # fmt: skip


def _zoom_clip(timeline: Timeline, index: int, frames: int) -> Any:
    """The scene's still as an ImageClip of `frames` frames, every one cropped and resized in
    Python along the motion."""
    from moviepy import ImageClip

    from common.domain.errors import MediaError
    from common.media.spec.timeline import ImageVisual

    scene = timeline.scenes[index]
    if not isinstance(scene.visual, ImageVisual):
        raise MediaError(f"the naive MoviePy bench renders stills only (scene {scene.id})")
    still = _cover(Image.open(scene.visual.path).convert("RGB"), timeline.width, timeline.height)
    duration_s = frames / timeline.fps
    # MoviePy writes int(duration * fps) frames: half a frame more keeps float error from
    # dropping one.
    clip = ImageClip(np.asarray(still), duration=(frames + 0.5) / timeline.fps)
    return clip.transform(_kenburns(scene, still, duration_s, (timeline.width, timeline.height)))


def _scene_clip(timeline: Timeline, index: int, zoom: Any, shown: int) -> Any:
    """The zoom clip's first `shown` frames, fading in from black over the previous scene's
    transition."""
    from moviepy import vfx

    clip = zoom.with_duration((shown + 0.5) / timeline.fps)
    previous = timeline.scenes[index - 1] if index else None
    if previous is not None and previous.transition != "cut" and previous.transition_s > 0:
        clip = clip.with_effects([vfx.FadeIn(min(previous.transition_s, shown / timeline.fps))])
    return clip


def _kenburns(
    scene: TimelineScene, still: Image.Image, duration_s: float, size: tuple[int, int]
) -> Callable[[Callable[[float], np.ndarray], float], np.ndarray]:
    """A MoviePy frame filter: the motion's window at time t, resized to the frame."""
    from common.media.spec.motion import window_at
    from common.media.spec.timeline import ImageVisual

    assert isinstance(scene.visual, ImageVisual)
    motion = scene.visual.motion
    iw, ih = still.size

    def frame(_get_frame: Callable[[float], np.ndarray], t: float) -> np.ndarray:
        cx, cy, zoom = window_at(motion, t / duration_s)
        half_w, half_h = iw / (2 * zoom), ih / (2 * zoom)
        box = (cx * iw - half_w, cy * ih - half_h, cx * iw + half_w, cy * ih + half_h)
        return np.asarray(still.resize(size, Image.Resampling.BILINEAR, box=box))

    return frame


def _cover(image: Image.Image, width: int, height: int) -> Image.Image:
    """`image` centre-cropped to the frame's aspect (once per scene, not per frame)."""
    iw, ih = image.size
    if iw * height == ih * width:
        return image
    if iw * height > ih * width:
        cw = round(ih * width / height)
        return image.crop(((iw - cw) // 2, 0, (iw - cw) // 2 + cw, ih))
    ch = round(iw * height / width)
    return image.crop((0, (ih - ch) // 2, iw, (ih - ch) // 2 + ch))


def _caption_clips(timeline: Timeline) -> list[Any]:
    """One white, outlined TextClip per caption line, bottom-centred above the safe margin."""
    from moviepy import TextClip

    from common.domain.errors import MediaError
    from common.media.text.captions import caption_layout, group_cues

    if timeline.caption_style == "none":
        return []
    if not FONT.is_file():
        raise MediaError(f"caption font not found: {FONT} (apt-get install fonts-dejavu-core)")
    layout = caption_layout(timeline.width, timeline.height)
    # ASS sizes a font by its line height, Pillow by its em: scale so both draw the same size.
    ascent, descent = ImageFont.truetype(str(FONT), 100).getmetrics()
    font_size = round(layout.font_size * 100 / (ascent + descent))
    stroke = max(2, round(font_size * 0.09))
    clips = []
    for cue in group_cues(timeline, layout):
        if cue.end_s <= cue.start_s:
            continue
        text = TextClip(
            font=str(FONT),
            text=cue.text,
            font_size=font_size,
            color="white",
            stroke_color="black",
            stroke_width=stroke,
            margin=(stroke, stroke),
        )
        top = timeline.height - layout.margin_v - text.h
        clips.append(
            text.with_start(cue.start_s)
            .with_duration(cue.end_s - cue.start_s)
            .with_position(("center", top))
        )
    return clips


def _audio_clips(timeline: Timeline, total_s: float) -> list[Any]:
    """Each narration at its scene's start plus offset, and the music looped, lowered and faded."""
    from moviepy import AudioFileClip, afx

    clips = [
        AudioFileClip(str(scene.narration_path), fps=AUDIO_RATE).with_start(
            start + scene.narration_offset_s
        )
        for start, scene in zip(timeline.starts(), timeline.scenes, strict=True)
        if scene.narration_path is not None
    ]
    if timeline.music_path is not None:
        music = AudioFileClip(str(timeline.music_path), fps=AUDIO_RATE)
        clips.append(
            music.with_effects(
                [
                    afx.AudioLoop(duration=total_s),
                    afx.MultiplyVolume(MUSIC_GAIN),
                    afx.AudioFadeIn(MUSIC_FADE_IN_S),
                    afx.AudioFadeOut(MUSIC_FADE_OUT_S),
                ]
            )
        )
    return clips
