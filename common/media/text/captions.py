"""Captions written as SRT, WebVTT and ASS from one-line cues (common/media/text/caption_lines.py).

The ASS file is what ffmpeg burns in, in a caption style preset (common/domain/caption_styles.py):
its look is the script's one style line, and how the spoken word shows decides the events.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from common.domain.caption_styles import DEFAULT_STYLE, CaptionPreset, preset
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
SHADOW_COLOUR = "&H99000000"  # black, 60% transparent
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
    style: str = DEFAULT_STYLE,
    clean: Callable[[str], str] = lambda text: text,
) -> str:
    """An ASS script burning `cues` into a layout.width x layout.height frame in the caption
    style `style` (a preset id, common/domain/caption_styles.py; `layout` made for it).

    `clean` filters each word's text (e.g. drops symbols no font can draw). How the spoken
    word shows decides the events: "colour" and "pop" write one event per word, from its start
    to the next word's start, with that word coloured (and scaled); "karaoke" one event per
    line whose words fill with colour in turn (\\kf, timed in centiseconds); "none" one
    event per line.
    """
    look = preset(style)
    rtl = any(unicodedata.bidirectional(c) in _RTL for cue in cues for c in cue.text)
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
        style_line(look, layout, font_family, rtl=rtl),
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    events = []
    for i, cue in enumerate(cues):
        shown_until = cue.end_s
        if i + 1 < len(cues) and cues[i + 1].start_s - cue.end_s < HOLD_GAP_S:
            shown_until = cues[i + 1].start_s
        texts = [_ass_escape(layout.shown(clean(w.text))) for w in cue.words]
        seps = separators(texts)
        if look.spoken == "none":
            events.append(_dialogue(cue.start_s, shown_until, join_words(texts)))
        elif look.spoken == "karaoke":
            events.append(_dialogue(cue.start_s, shown_until, _karaoke(cue, texts, seps)))
        else:
            events += _word_events(cue, texts, seps, shown_until, _spoken_tags(look))
    return "\n".join(header + events) + "\n"


def ass_colour(rgb: str, opacity: float = 1.0) -> str:
    """A "#RRGGBB" colour as ASS writes it: &HAABBGGRR (AA is transparency, 00 opaque)."""
    alpha = round((1 - opacity) * 255)
    return f"&H{alpha:02X}{rgb[5:7]}{rgb[3:5]}{rgb[1:3]}".upper()


def style_line(look: CaptionPreset, layout: CaptionLayout, font_family: str, *, rtl: bool) -> str:
    """The script's one style, `Caption`: the preset's look at the layout's sizes."""
    fs = layout.font_size
    outline = max(2, round(fs * look.outline)) if look.outline else 0
    shadow = max(1, round(fs * look.shadow)) if look.shadow else 0
    text = ass_colour(look.text_colour)
    # Karaoke fills from the secondary colour (not yet spoken) to the primary (spoken).
    primary = ass_colour(look.highlight_colour) if look.spoken == "karaoke" else text
    border = ass_colour(look.border_colour, look.border_opacity)
    # libass's BorderStyle 4 draws one box behind the whole line in the back colour, padded by
    # the outline width (BorderStyle 3 boxes each run of text: translucent boxes overlap
    # darker where a marked word starts).
    box = look.border == "box"
    back = border if box else SHADOW_COLOUR
    if box:  # the glyphs' own outline would darken the box around every letter
        border = ass_colour(look.border_colour, 0.0)
    bold = -1 if look.weight == "bold" else 0
    # Encoding -1 lets libass take the base direction from the text (Arabic, Hebrew).
    return (
        f"Style: Caption,{font_family},{fs},{primary},{text},{border},{back},"
        f"{bold},0,0,0,100,100,0,0,{4 if box else 1},{outline},{shadow},{layout.alignment},"
        f"{layout.margin_h},{layout.margin_h},{layout.margin_v},{-1 if rtl else 1}"
    )


def _spoken_tags(look: CaptionPreset) -> tuple[str, str]:
    """The override tags that mark the spoken word, and those that end the mark."""
    on = f"\\1c{ass_colour(look.highlight_colour)}&"
    off = f"\\1c{ass_colour(look.text_colour)}&"
    if look.spoken == "pop":
        scale = round(look.pop_scale * 100)
        on += f"\\fscx{scale}\\fscy{scale}"
        off += "\\fscx100\\fscy100"
    return "{" + on + "}", "{" + off + "}"


def _word_events(
    cue: Cue, texts: list[str], seps: list[str], shown_until: float, tags: tuple[str, str]
) -> list[str]:
    """One event per word of `cue`, that word marked by `tags`."""
    events = []
    for k in range(len(cue.words)):
        start = cue.start_s if k == 0 else cue.words[k].start_s
        end = shown_until if k + 1 == len(cue.words) else cue.words[k + 1].start_s
        marked = list(texts)
        if marked[k]:
            marked[k] = f"{tags[0]}{marked[k]}{tags[1]}"
        text = "".join(sep + word for sep, word in zip(seps, marked, strict=True))
        events.append(_dialogue(start, max(end, start), text))
    return events


def _karaoke(cue: Cue, texts: list[str], seps: list[str]) -> str:
    """The line with a \\kf fill per word: word k fills from its start to the next word's
    (the last to its own end). Durations come from rounded offsets, so they never drift."""
    offsets = [0] + [round((w.start_s - cue.start_s) * 100) for w in cue.words[1:]]
    offsets.append(max(offsets[-1], round((cue.words[-1].end_s - cue.start_s) * 100)))
    parts = []
    for k, (sep, word) in enumerate(zip(seps, texts, strict=True)):
        fill = max(0, offsets[k + 1] - offsets[k])
        parts.append(f"{sep}{{\\kf{fill}}}{word}")
    return "".join(parts)


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
    """Write captions.srt, captions.vtt and (if the style burns captions in) captions.ass."""
    srt, vtt = workdir / "captions.srt", workdir / "captions.vtt"
    srt.write_text(format_srt(cues), encoding="utf-8")
    vtt.write_text(format_vtt(cues), encoding="utf-8")
    if not preset(style).burned:
        return CaptionFiles(srt, vtt, None)
    ass = workdir / "captions.ass"
    text = format_ass(cues, layout=layout, font_family=font_family, style=style, clean=clean)
    ass.write_text(text, encoding="utf-8")
    return CaptionFiles(srt, vtt, ass)
