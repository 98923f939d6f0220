"""Caption cues from a timeline's word timings, written as SRT, WebVTT and ASS.

Words get absolute times (scene start + narration offset + word time) and are grouped into
one-line cues of 2 to 4 words, breaking at punctuation, at pauses and before a line would grow
wider than ~80% of the frame. Chinese and Japanese have no spaces: their words are joined
without them and grouped by characters. The ASS file is what ffmpeg burns in: "highlight" has
one event per spoken word with that word coloured, "plain" one event per cue.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from common.media.timeline import Timeline

PAUSE_BREAK_S = 0.4
MAX_WORDS, MAX_CJK_CHARS = 4, 12
HOLD_GAP_S = 0.3  # burned-in lines stay up across shorter gaps, so they do not flicker
ASS_LEAD_S = 0.01
HIGHLIGHT_COLOUR = "&H0000D6FF&"  # ASS is &HBBGGRR: a warm yellow
_BREAK_AFTER = tuple(".,!?;:…—–。，！？、；：")
# Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar, CJK
# punctuation and full-width forms).
_NO_SPACE_RANGES = (
    (0x0E00, 0x0EFF),
    (0x1000, 0x109F),
    (0x1780, 0x17FF),
    (0x2E80, 0x2FDF),
    (0x3000, 0x30FF),
    (0x3190, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3FFFF),
)
_RTL = ("R", "AL")


@dataclass(frozen=True)
class CaptionWord:
    """A word with its absolute time in the finished video."""

    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Cue:
    """One caption line: its words and when it is shown."""

    words: tuple[CaptionWord, ...]
    start_s: float
    end_s: float

    @property
    def text(self) -> str:
        return join_words([w.text for w in self.words])


@dataclass(frozen=True)
class CaptionLayout:
    """Pixel sizes of the burned-in captions for one frame size."""

    width: int
    height: int
    font_size: int
    margin_v: int
    margin_h: int

    @property
    def max_line_px(self) -> float:
        return min(0.8 * self.width, self.width - 2 * self.margin_h)


@dataclass(frozen=True)
class CaptionFiles:
    srt: Path
    vtt: Path
    ass: Path | None


def caption_layout(width: int, height: int) -> CaptionLayout:
    """Font size scaled with the frame; lines sit in the lower third above the bottom 15%."""
    portrait = height > width
    font_size = max(12, round(max(0.042 * height, 0.05 * min(width, height))))
    return CaptionLayout(
        width=width,
        height=height,
        font_size=font_size,
        # Portrait apps lay their buttons over the bottom and the right edge: stay clear.
        margin_v=round((0.15 if portrait else 0.11) * height),
        margin_h=round((0.08 if portrait else 0.06) * width),
    )


def is_no_space(char: str) -> bool:
    """Whether `char` belongs to a script written without spaces between words."""
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _NO_SPACE_RANGES)


def join_words(texts: Sequence[str]) -> str:
    """Words joined by spaces, except between characters of scripts that use none."""
    return "".join(sep + text for sep, text in zip(separators(texts), texts, strict=True))


def separators(texts: Sequence[str]) -> list[str]:
    """What goes before each word when joining: "" first and inside space-less scripts."""
    seps, prev = [], ""
    for text in texts:
        seps.append(
            "" if not prev or not text or (is_no_space(prev[-1]) and is_no_space(text[0])) else " "
        )
        prev = text or prev
    return seps


def text_width_px(text: str, font_size: float) -> float:
    """Rough rendered width: full-width glyphs are 1 em, others ~0.62 em (bold sans)."""
    ems = 0.0
    for c in text:
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Cf"):
            continue
        if c.isspace():
            ems += 0.32
        elif unicodedata.east_asian_width(c) in ("W", "F"):
            ems += 1.0
        else:
            ems += 0.62
    return ems * font_size


def timeline_words(timeline: Timeline) -> list[list[CaptionWord]]:
    """Each scene's words with absolute times, in spoken order."""
    scenes = []
    for start, scene in zip(timeline.starts(), timeline.scenes, strict=True):
        base = start + scene.narration_offset_s
        words = [
            CaptionWord(" ".join(w.text.split()), base + w.start_s, base + max(w.end_s, w.start_s))
            for w in scene.words
            if w.text.strip()
        ]
        scenes.append(sorted(words, key=lambda w: w.start_s))
    return scenes


def group_cues(timeline: Timeline, layout: CaptionLayout | None = None) -> list[Cue]:
    """The timeline's words grouped into one-line cues, ordered and never overlapping."""
    layout = layout or caption_layout(timeline.width, timeline.height)
    groups: list[list[CaptionWord]] = []
    for words in timeline_words(timeline):
        for phrase in _phrases(words):
            groups.extend(chunk for chunk in _chunks(phrase, layout) if chunk)
    flat = sorted(groups, key=lambda g: g[0].start_s)
    cues = []
    for i, group in enumerate(flat):
        start = group[0].start_s
        end = max(group[-1].end_s, start)
        if i + 1 < len(flat):
            end = min(end, flat[i + 1][0].start_s)
        cues.append(Cue(tuple(group), start, max(end, start)))
    return cues


def _phrases(words: list[CaptionWord]) -> list[list[CaptionWord]]:
    """Split at pauses longer than PAUSE_BREAK_S, and after punctuation unless that would leave
    a word alone on its line ("Then," joins what follows)."""
    phrases: list[list[CaptionWord]] = []
    current: list[CaptionWord] = []
    for i, word in enumerate(words):
        current.append(word)
        nxt = words[i + 1] if i + 1 < len(words) else None
        pause = nxt is not None and nxt.start_s - word.end_s > PAUSE_BREAK_S
        punctuation = word.text.endswith(_BREAK_AFTER) and len(current) > 1
        if nxt is None or pause or punctuation:
            phrases.append(current)
            current = []
    return phrases


def _chunks(phrase: list[CaptionWord], layout: CaptionLayout) -> list[list[CaptionWord]]:
    """Balanced lines: 2-4 words that fit the width, or for space-less scripts up to a line of
    characters."""
    chars = [c for w in phrase for c in w.text]
    if sum(is_no_space(c) for c in chars) * 2 > len(chars):
        per_line = max(2, min(MAX_CJK_CHARS, int(layout.max_line_px / layout.font_size)))
        target = math.ceil(len(chars) / math.ceil(len(chars) / per_line))
        chunks: list[list[CaptionWord]] = [[]]
        for word in phrase:
            size = sum(len(w.text) for w in chunks[-1])
            if chunks[-1] and size + len(word.text) > target:
                chunks.append([])
            chunks[-1].append(word)
        return chunks
    return _break_lines(phrase, layout)


def _break_lines(phrase: list[CaptionWord], layout: CaptionLayout) -> list[list[CaptionWord]]:
    """Line breaks chosen by dynamic programming: every line fits the width (a single word
    wider than a line stands alone), holds at most MAX_WORDS words, and the breaks minimise a
    cost that strongly avoids one-word lines and mildly prefers three words of even width."""
    n = len(phrase)
    width = layout.max_line_px
    best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = []
        for j in range(i + 1, min(n, i + MAX_WORDS) + 1):
            used = text_width_px(join_words([w.text for w in phrase[i:j]]), layout.font_size)
            if used > width and j - i > 1:
                break
            cost = (4.0 if j - i == 1 and n > 1 else 0.0) + 0.3 * abs(j - i - 3)
            cost += (1 - min(used, width) / width) ** 2 + best[j][0]
            options.append((cost, j))
        # On a tie the longer first line wins: "a b c / d e" reads better than "a b / c d e".
        best[i] = min(options, key=lambda o: (round(o[0], 9), -o[1]))
    lines, at = [], 0
    while at < n:
        nxt = best[at][1]
        lines.append(phrase[at:nxt])
        at = nxt
    return lines


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
