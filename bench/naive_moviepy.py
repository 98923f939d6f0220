"""The peers' way of assembling a Timeline, for the benchmark: MoviePy 2, frame by frame in Python.

Open-source peers build one ImageClip per scene, animate a Ken Burns zoom by resizing every
frame in Python, lay a TextClip per caption line over it in a CompositeVideoClip, crossfade the
scenes, place the narration AudioFileClips and the music under them, and call write_videofile.
This module does the same, as a fair implementation of that approach: the per-frame work is kept
lean (one PIL crop-and-resize from a decoded still, bilinear), and the encoder settings are the
engine's (libx264 with the timeline's preset and crf, yuv420p, AAC 160k at 48 kHz), so the
measured gap is the approach and not a handicap. Not used by the product; bench only.

MoviePy reads its ffmpeg from FFMPEG_BINARY when it is imported; naive_assemble() points it at
the engine's binary (imageio-ffmpeg's, or $STORYGENIUS_FFMPEG) so both encode with one ffmpeg.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image, ImageFont

if TYPE_CHECKING:
    from common.media.timeline import Timeline, TimelineScene

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
AUDIO_RATE = 48_000
AUDIO_BITRATE = "160k"
# As the engine mixes it before ducking (common.media.graph); peers do not duck or normalise.
MUSIC_GAIN = 0.3
MUSIC_FADE_IN_S, MUSIC_FADE_OUT_S = 1.0, 1.5


def naive_assemble(timeline: Timeline, out: Path) -> Path:
    """Render `timeline` to `out` (an .mp4) the way MoviePy-based peers do, and return `out`.

    Image scenes only (the benchmark's timelines are stills). Raises MediaError when a scene is
    a video clip or the caption font is missing.
    """
    from common.media.ffmpeg import ffmpeg_exe

    os.environ["FFMPEG_BINARY"] = ffmpeg_exe()  # read by moviepy.config at import
    from moviepy import CompositeAudioClip, CompositeVideoClip

    from common.media.graph import frame_grid

    fps = timeline.fps
    grid = frame_grid(timeline)
    total_s = (grid[-1][0] + grid[-1][1]) / fps
    visuals = [
        _scene_clip(timeline, i, first / fps, frames / fps)
        for i, (first, frames) in enumerate(grid)
    ]
    video = CompositeVideoClip(
        visuals + _caption_clips(timeline), size=(timeline.width, timeline.height)
    ).with_duration(total_s)
    audio_clips = _audio_clips(timeline, total_s)
    if audio_clips:
        video = video.with_audio(CompositeAudioClip(audio_clips).with_duration(total_s))
    try:
        video.write_videofile(
            str(out),
            fps=fps,
            codec="libx264",
            preset=timeline.video_preset,
            audio_codec="aac",
            audio_bitrate=AUDIO_BITRATE,
            audio_fps=AUDIO_RATE,
            temp_audiofile_path=str(out.parent),
            ffmpeg_params=["-crf", str(timeline.crf), "-pix_fmt", "yuv420p",
                           "-movflags", "+faststart"],
            logger=None,
        )  # fmt: skip
    finally:
        for clip in audio_clips:
            clip.close()
        video.close()
    return out


def _scene_clip(timeline: Timeline, index: int, start_s: float, duration_s: float) -> Any:
    """An ImageClip whose every frame is cropped and resized in Python along the scene's motion,
    crossfading in over the previous scene's transition."""
    from moviepy import ImageClip, vfx

    from common.domain.errors import MediaError
    from common.media.timeline import ImageVisual

    scene = timeline.scenes[index]
    if not isinstance(scene.visual, ImageVisual):
        raise MediaError(f"the naive MoviePy bench renders stills only (scene {scene.id})")
    still = _cover(Image.open(scene.visual.path).convert("RGB"), timeline.width, timeline.height)
    clip = ImageClip(np.asarray(still), duration=duration_s)
    clip = clip.transform(_kenburns(scene, still, duration_s, (timeline.width, timeline.height)))
    clip = clip.with_start(start_s).with_duration(duration_s)
    fade = timeline.scenes[index - 1].transition_s if index else 0.0
    if fade > 0:
        clip = clip.with_effects([vfx.CrossFadeIn(fade)])
    return clip


def _kenburns(
    scene: TimelineScene, still: Image.Image, duration_s: float, size: tuple[int, int]
) -> Callable[[Callable[[float], np.ndarray], float], np.ndarray]:
    """A MoviePy frame filter: the motion's window at time t, resized to the frame."""
    from common.media.motion import window_at
    from common.media.timeline import ImageVisual

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
    from common.media.captions import caption_layout, group_cues

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
