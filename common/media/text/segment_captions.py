"""The captions of one segment: the ASS events visible in it, timed from its first frame, so a
scene that merely moved in time keeps its captions (and its segment's key)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from common.media.spec.segments import Segment
from common.media.text.captions import CaptionLayout, Cue, format_ass

_DIALOGUE = re.compile(r"^Dialogue: [^,]*,(\d+):(\d\d):(\d\d)\.(\d\d),(\d+):(\d\d):(\d\d)\.(\d\d),")


def segment_ass(
    cues: Sequence[Cue],
    segment: Segment,
    fps: int,
    *,
    layout: CaptionLayout,
    font_family: str,
    style: str,
    clean: Callable[[str], str] | None = None,
) -> str | None:
    """The ASS script of the caption events visible in `segment`, timed from its first frame;
    None when no caption shows in it."""
    shift = segment.start_s(fps)
    shifted = [
        replace(
            cue,
            words=tuple(
                replace(w, start_s=w.start_s - shift, end_s=w.end_s - shift) for w in cue.words
            ),
            start_s=cue.start_s - shift,
            end_s=cue.end_s - shift,
        )
        for cue in cues
    ]
    text = format_ass(
        shifted,
        layout=layout,
        font_family=font_family,
        style=style,
        clean=clean or (lambda word: word),
    )
    end_cs = segment.frames * 100 / fps
    kept, any_event = [], False
    for line in text.splitlines():
        match = _DIALOGUE.match(line)
        if match is None:
            kept.append(line)
            continue
        h0, m0, s0, c0, h1, m1, s1, c1 = (int(g) for g in match.groups())
        start = ((h0 * 60 + m0) * 60 + s0) * 100 + c0
        end = ((h1 * 60 + m1) * 60 + s1) * 100 + c1
        if end > start and end > 0 and start < end_cs:
            kept.append(line)
            any_event = True
    return "\n".join(kept) + "\n" if any_event else None
