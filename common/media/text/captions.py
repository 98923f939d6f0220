"""Captions written as SRT, WebVTT and ASS from one-line cues (common/media/text/caption_lines.py).

The ASS file is what ffmpeg burns in: "highlight" has one event per spoken word with that word
coloured, "plain" one event per cue.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from common.media.text.caption_lines import (
    CaptionLayout,
    CaptionWord,
    Cue,
    caption_layout,
    group_cues,
    is_no_space,
    join_words,
    separators,
    text_width_px,
)

# Names other modules take from here (the cue model and layout live in caption_lines).
__all__ = [
    "CaptionFiles",
    "CaptionLayout",
    "CaptionWord",
    "Cue",
    "caption_layout",
    "format_ass",
    "format_srt",
    "format_vtt",
    "group_cues",
    "is_no_space",
    "join_words",
    "text_width_px",
    "write_captions",
]

HOLD_GAP_S = 0.3  # burned-in lines stay up across shorter gaps, so they do not flicker
ASS_LEAD_S = 0.01
HIGHLIGHT_COLOUR = "&H0000D6FF&"  # ASS is &HBBGGRR: a warm yellow
_RTL = ("R", "AL")


@dataclass(frozen=True)
class CaptionFiles:
    srt: Path
    vtt: Path
    ass: Path | None


def srt_time(t: float) -> str:
    """SRT timestamp HH:MM:SS,mmm (rounded to the millisecond)."""
    return _clock(t, ",")


def vtt_time(t: float) -> str:
    """WebVTT timestamp HH:MM:SS.mmm."""
    return _clock(t, ".")


def _clock(t: float, sep: str) -> str:
    ms = max(0, round(t * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def ass_time(t: float) -> str:
    """ASS timestamp H:MM:SS.cc (centiseconds)."""
    cs = max(0, round(t * 100))
    h, rest = divmod(cs, 360_000)
    m, rest = divmod(rest, 6000)
    s, cs = divmod(rest, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


def format_srt(cues: Sequence[Cue]) -> str:
    """SubRip text: numbered cues, comma milliseconds."""
    blocks = [
        f"{i}\n{srt_time(c.start_s)} --> {srt_time(c.end_s)}\n{_cue_text(c.text)}\n"
        for i, c in enumerate(cues, start=1)
    ]
    return "\n".join(blocks)


def _cue_text(text: str) -> str:
    # A line break would end the cue (a blank line) or start a fake one; "-->" is a timing line.
    return one_line(text).replace("-->", "-" + _WORD_JOINER + "->")


def format_vtt(cues: Sequence[Cue]) -> str:
    """WebVTT text, with &, < and > escaped."""
    lines = ["WEBVTT", ""]
    for c in cues:
        text = one_line(c.text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        lines += [f"{vtt_time(c.start_s)} --> {vtt_time(c.end_s)}", text, ""]
    return "\n".join(lines)


def format_ass(
    cues: Sequence[Cue],
    *,
    layout: CaptionLayout,
    font_family: str,
    style: str = "highlight",
    clean: Callable[[str], str] = lambda text: text,
) -> str:
    """An ASS script burning `cues` into a layout.width x layout.height frame.

    `clean` filters each word's text (e.g. drops symbols no font can draw). "highlight" writes
    one event per word, from its start to the next word's start, with that word coloured.
    """
    fs = layout.font_size
    rtl = any(unicodedata.bidirectional(c) in _RTL for cue in cues for c in cue.text)
    outline, shadow = max(2, round(fs * 0.09)), max(1, round(fs * 0.05))
    header = [
        "[Script Info]",
        "ScriptType: v4.00+",
        f"PlayResX: {layout.width}",
        f"PlayResY: {layout.height}",
        "WrapStyle: 0",
        "ScaledBorderAndShadow: yes",
        "YCbCr Matrix: TV.709",
        "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
        "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
        "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
        # Encoding -1 lets libass take the base direction from the text (Arabic, Hebrew).
        f"Style: Caption,{font_family},{fs},&H00FFFFFF,&H00FFFFFF,&H00101010,&H99000000,"
        f"-1,0,0,0,100,100,0,0,1,{outline},{shadow},2,{layout.margin_h},{layout.margin_h},"
        f"{layout.margin_v},{-1 if rtl else 1}",
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    events = []
    for i, cue in enumerate(cues):
        shown_until = cue.end_s
        if i + 1 < len(cues) and cues[i + 1].start_s - cue.end_s < HOLD_GAP_S:
            shown_until = cues[i + 1].start_s
        texts = [_ass_escape(clean(w.text)) for w in cue.words]
        seps = separators(texts)
        if style == "plain":
            events.append(_dialogue(cue.start_s, shown_until, join_words(texts)))
            continue
        for k in range(len(cue.words)):
            start = cue.start_s if k == 0 else cue.words[k].start_s
            end = shown_until if k + 1 == len(cue.words) else cue.words[k + 1].start_s
            marked = list(texts)
            if marked[k]:
                marked[k] = f"{{\\1c{HIGHLIGHT_COLOUR}}}{marked[k]}{{\\1c&H00FFFFFF&}}"
            text = "".join(sep + word for sep, word in zip(seps, marked, strict=True))
            events.append(_dialogue(start, max(end, start), text))
    return "\n".join(header + events) + "\n"


def _dialogue(start: float, end: float, text: str) -> str:
    # ffmpeg hands libass frame times truncated to whole ms (frame 6 at 30 fps is 199.99 ms ->
    # 199), so an event starting exactly on a frame would skip it: write every time 10 ms early.
    start, end = max(start - ASS_LEAD_S, 0.0), max(end - ASS_LEAD_S, 0.0)
    return f"Dialogue: 0,{ass_time(start)},{ass_time(end)},Caption,,0,0,0,,{text}"


# Characters that end a line in a file format (an event, a cue) if written as they are.
_LINE_BREAKS = str.maketrans(dict.fromkeys("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029", " "))
_WORD_JOINER = "\u2060"  # zero width, default-ignorable: never drawn


def one_line(text: str) -> str:
    """`text` on one line: every line or paragraph separator becomes a space."""
    return text.translate(_LINE_BREAKS)


def _ass_escape(text: str) -> str:
    """Text that libass draws exactly as written (user and model text reach it).

    `{` `}` would open an override block (`{\\p1}` draws shapes, `{\\fs400}` fills the frame):
    libass's `\\{` `\\}` escapes draw them as braces. A backslash is kept but followed by a
    word joiner, so `\\N`, `\\n`, `\\h` or `\\{` typed by someone stay text. A line break would
    end the Dialogue line and start a line of the script's own: it becomes a space.
    """
    text = one_line(text).replace("\\", "\\" + _WORD_JOINER)
    return text.replace("{", "\\{").replace("}", "\\}")


def write_captions(
    cues: Sequence[Cue],
    workdir: Path,
    *,
    layout: CaptionLayout,
    style: str,
    font_family: str = "DejaVu Sans",
    clean: Callable[[str], str] = lambda text: text,
) -> CaptionFiles:
    """Write captions.srt, captions.vtt and (unless style is "none") captions.ass."""
    srt, vtt = workdir / "captions.srt", workdir / "captions.vtt"
    srt.write_text(format_srt(cues), encoding="utf-8")
    vtt.write_text(format_vtt(cues), encoding="utf-8")
    if style == "none":
        return CaptionFiles(srt, vtt, None)
    ass = workdir / "captions.ass"
    text = format_ass(cues, layout=layout, font_family=font_family, style=style, clean=clean)
    ass.write_text(text, encoding="utf-8")
    return CaptionFiles(srt, vtt, ass)
