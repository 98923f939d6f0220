"""Caption lines: a timeline's words, with absolute times, grouped into one-line cues.

Words get absolute times (scene start + narration offset + word time) and are grouped into
one-line cues of 2 to 4 words (at most the caption style's words per line), breaking at
punctuation, at pauses and before a line would grow wider than ~80% of the frame. Chinese,
Japanese and Thai have no spaces: their words are joined without them, re-cut where the
segmenter allows a break (whole Thai words, Japanese phrases, Chinese characters:
common/media/text/segmenting.py) and grouped into lines of even width.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from common.domain.caption_styles import DEFAULT_STYLE, preset
from common.media.spec.timeline import Timeline
from common.media.text.segmenting import cut_run

PAUSE_BREAK_S = 0.4
MAX_WORDS, MAX_CJK_CHARS = 4, 12
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
    """Pixel sizes of the burned-in captions for one frame size and caption style."""

    width: int
    height: int
    font_size: int
    margin_v: int
    margin_h: int
    alignment: int = 2  # ASS numpad alignment: 2 bottom centre, 5 middle centre
    max_words: int = MAX_WORDS
    # Upper case and a popped word draw wider than the text_width_px estimate of the words.
    width_scale: float = 1.0
    upper: bool = False

    @property
    def max_line_px(self) -> float:
        return min(0.8 * self.width, self.width - 2 * self.margin_h)

    def shown(self, text: str) -> str:
        """`text` as the style draws it (upper case or as written)."""
        return text.upper() if self.upper else text

    def line_px(self, text: str) -> float:
        """The estimated drawn width of `text` as one line in this style."""
        return text_width_px(self.shown(text), self.font_size) * self.width_scale


# The default style's font size: 4.2% of the frame's height, at least 5% of its short side
# (landscape frames are short). Presets scale both by their size.
_BASE_SIZE, _SHORT_SIDE_SIZE = 0.042, 0.05
# Bottom margins: portrait apps lay their buttons over the bottom and the right edge (and their
# own caption and description over the bottom ~22%), landscape players only a thin bar.
_MARGIN_V = {"bottom": (0.15, 0.11), "lower-third": (0.28, 0.24), "middle": (0.0, 0.0)}
_UPPER_WIDTH = 1.12  # capitals are ~12% wider than mixed case in a bold sans


def caption_layout(width: int, height: int, style: str = DEFAULT_STYLE) -> CaptionLayout:
    """Font size scaled with the frame and the preset's size; lines sit where the preset says,
    clear of the apps' buttons in portrait frames."""
    look = preset(style)
    portrait = height > width
    scale = look.size / _BASE_SIZE
    short_side = scale * _SHORT_SIDE_SIZE * min(width, height)
    font_size = max(12, round(max(look.size * height, short_side)))
    width_scale = (_UPPER_WIDTH if look.upper else 1.0) * (
        1 + (look.pop_scale - 1) / look.words_per_line if look.spoken == "pop" else 1.0
    )
    return CaptionLayout(
        width=width,
        height=height,
        font_size=font_size,
        margin_v=round(_MARGIN_V[look.position][0 if portrait else 1] * height),
        margin_h=round((0.08 if portrait else 0.06) * width),
        alignment=5 if look.position == "middle" else 2,
        max_words=look.words_per_line,
        width_scale=width_scale,
        upper=look.upper,
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
    layout = layout or caption_layout(timeline.width, timeline.height, timeline.caption_style)
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
    """Balanced lines: 2-4 words that fit the width, or for space-less scripts phrases (Thai
    words, Japanese bunsetsu, Chinese characters) filling lines of even width."""
    chars = [c for w in phrase for c in w.text]
    if sum(is_no_space(c) for c in chars) * 2 > len(chars):
        return _break_lines(no_space_units(phrase, layout), layout, spaced=False)
    return _break_lines(phrase, layout)


def _break_lines(
    phrase: list[CaptionWord], layout: CaptionLayout, *, spaced: bool = True
) -> list[list[CaptionWord]]:
    """Line breaks chosen by dynamic programming: every line fits the width (a single word
    wider than a line stands alone), holds at most the style's words per line, and the breaks
    minimise a cost that strongly avoids one-word lines and mildly prefers three words (or the
    style's most, if fewer) of even width.

    Units of a space-less script (`spaced` False) are not counted: a line holds as many as fit
    in MAX_CJK_CHARS characters, and only a unit of one or two letters is kept off a line alone.
    """
    n = len(phrase)
    width = layout.max_line_px
    most = layout.max_words if spaced else n
    ideal = min(3, layout.max_words)
    best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = []
        for j in range(i + 1, min(n, i + most) + 1):
            text = join_words([w.text for w in phrase[i:j]])
            used = layout.line_px(text)
            if (used > width or (not spaced and len(text) > MAX_CJK_CHARS)) and j - i > 1:
                break
            if spaced:
                cost = (4.0 if j - i == 1 and n > 1 else 0.0) + 0.3 * abs(j - i - ideal)
            else:
                cost = 1.0 if j - i == 1 and n > 1 and len(text.strip()) <= 2 else 0.0
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


def no_space_units(phrase: list[CaptionWord], layout: CaptionLayout) -> list[CaptionWord]:
    """The phrase's words re-cut where a space-less script may break a line.

    Narrators time such text very differently: ElevenLabs one letter at a time, espeak-ng one
    word (Chinese) or a whole sentence (Japanese without spaces). Inside each run of words
    written without a space between them, a unit ends where a word ends and the segmenter
    (common/media/text/segmenting.py) allows a break, so a Thai word or a Japanese phrase is shown
    and highlighted whole; a unit wider than a line is cut at every allowed break, then at any
    letter. A unit's time comes from its words', shared by letter where it cuts one.
    """
    texts = [w.text for w in phrase]
    units: list[CaptionWord] = []
    run: list[CaptionWord] = []
    for word, sep in zip(phrase, separators(texts), strict=True):
        if sep and run:
            units += _run_units(run, layout)
            run = []
        run.append(word)
    return units + _run_units(run, layout)


def _run_units(run: list[CaptionWord], layout: CaptionLayout) -> list[CaptionWord]:
    spans, at = [], 0  # (first char, end char, word) of each word in the run's text
    for word in run:
        spans.append((at, at + len(word.text), word))
        at += len(word.text)
    text = "".join(w.text for w in run)

    def time_at(k: int, *, end: bool) -> float:
        a, b, word = next(s for s in spans if (s[0] < k <= s[1] if end else s[0] <= k < s[1]))
        return word.start_s + (word.end_s - word.start_s) * (k - a) / max(b - a, 1)

    pieces = cut_run(
        text,
        [end for _, end, _ in spans],
        fits=lambda piece: layout.line_px(piece) <= layout.max_line_px,
    )
    return [CaptionWord(text[a:b], time_at(a, end=False), time_at(b, end=True)) for a, b in pieces]
