"""Fitting offline stories to their length: which beats the scenes tell, and which wordings each
scene says so that its narration fills its share of the video.

The numbers (speaking rates, padding, clip lengths, scene counts) are common/domain/pacing.py's;
this module only composes lines to meet them. A scene lasts its narration plus the padding and is
filmed as a clip of 4, 6 or 8 s, so no scene says more than MAX_NARRATION_S of words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import combinations, product

from common.domain.pacing import MAX_NARRATION_S, SpeakingRates, speech_units
from common.domain.story import Beat

_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-z])")


def plan_beats(count: int) -> list[Beat]:
    """Beats of `count` scenes: always a hook first and a resolution last.

    Two scenes merge everything into hook and resolution; three add one development scene;
    from four on there is a turn, and long stories get several hook, turn and ending scenes.
    """
    if count <= 2:
        return ["hook", "resolution"]
    if count == 3:
        return ["hook", "development", "resolution"]
    hooks = 1 if count < 12 else 2
    turns = 1 if count < 8 else 2 if count < 16 else 3
    endings = 1 if count < 8 else 2 if count < 20 else 3
    developments = count - hooks - turns - endings
    counts: tuple[tuple[Beat, int], ...] = (
        ("hook", hooks), ("development", developments), ("turn", turns), ("resolution", endings),
    )  # fmt: skip
    return [beat for beat, n in counts for _ in range(n)]


@dataclass(frozen=True)
class Piece:
    """A sentence (or two) in alternative wordings, and what the camera sees while it is said."""

    texts: list[str]
    essential: bool
    visual: str = ""
    before: bool = False  # fillers: said before the scene's lines rather than after

    def size(self, language: str) -> float:
        """Typical length in speech units: midway between the shortest and longest wording."""
        units = [speech_units(t, language) for t in self.texts]
        return (min(units) + max(units)) / 2


def spread(
    lines: list[Piece], spares: list[Piece], scenes: int, nominal: float, language: str
) -> list[list[Piece]]:
    """A beat's lines shared over its scenes, in order, about `nominal` units to a scene.

    Every essential line is kept; optional ones while the beat has room. When the beat has room
    left (long stories), spare lines follow, and come round again only when they run out.
    """
    budget = nominal * scenes
    kept: list[Piece] = []
    total = sum(p.size(language) for p in lines if p.essential)
    for piece in lines:
        if piece.essential:
            kept.append(piece)
        elif total + piece.size(language) <= budget * 0.95 or len(kept) < scenes:
            kept.append(piece)
            total += piece.size(language)
    source = spares or lines
    for i in range(len(source) * 3):  # leave some room for the fillers that fine-tune scenes
        piece = source[i % len(source)]
        if len(kept) >= scenes and total + piece.size(language) > budget * 0.85:
            break
        kept.append(piece)
        total += piece.size(language)
    groups: list[list[Piece]] = [[] for _ in range(scenes)]
    scene, size = 0, 0.0
    for i, piece in enumerate(kept):
        must_move = len(kept) - i <= scenes - scene - 1  # leave a line for every later scene
        too_big = size + piece.size(language) > nominal * 1.1
        if groups[scene] and scene < scenes - 1 and (must_move or too_big):
            scene, size = scene + 1, 0.0
        groups[scene].append(piece)
        size += piece.size(language)
    return groups


def fit_scene(
    lines: list[Piece],
    fillers: list[Piece],
    used: Counter[str],
    target_s: float,
    language: str,
    rates: SpeakingRates,
) -> str:
    """The scene's narration: wordings and fillers whose length is closest to `target_s`.

    Never longer than MAX_NARRATION_S. Fillers said less often before (`used` counts what the
    story has said so far) are preferred; what this scene says is added to `used`.
    """
    rate = rates.rate(language)
    limit = MAX_NARRATION_S * rate
    lines = _trim(lines, language, min(limit, target_s * rate * 1.25))
    pool = sorted(fillers, key=lambda f: used[f.texts[0]])[:6]  # stable: keeps the story's order
    options: list[tuple[Piece, ...]] = [(), *((f,) for f in pool), *combinations(pool, 2)]
    best: tuple[float, tuple[str, ...], tuple[Piece, ...]] | None = None
    for choice in product(*(list(enumerate(p.texts[:3])) for p in lines)):
        wording = tuple(text for _, text in choice)
        base = sum(speech_units(t, language) for t in wording)
        # the first wording of a line is the fullest: prefer it when lengths are close
        plainer = sum(i for i, _ in choice)
        for option in options:
            if any(f.texts[0] in wording for f in option):
                continue
            units = base + sum(speech_units(f.texts[0], language) for f in option)
            if units > limit:
                continue
            reused = sum(used[f.texts[0]] for f in option)
            seconds = units / rate
            score = abs(seconds - target_s) + 0.12 * len(option) + 2.5 * reused + 0.35 * plainer
            if best is None or score < best[0] - 1e-9:
                best = (score, wording, option)
    if best is None:  # a single line too long for any clip: cut it to fit
        return _truncate(lines[0].texts[-1], language, int(limit))
    _, wording, option = best
    used.update(f.texts[0] for f in option)
    used.update(wording)  # a sentence said as a line is not wanted again as a filler
    parts = [f.texts[0] for f in option if f.before] + list(wording)
    parts += [f.texts[0] for f in option if not f.before]
    return _join(parts, language)


def _trim(lines: list[Piece], language: str, limit: float) -> list[Piece]:
    """Drop lines until the shortest wordings fit `limit`: optional ones first, the first never.

    Short stories pack several essential lines into one scene; the later ones give way.
    """
    kept = list(lines)

    def shortest() -> int:
        """Speech units of the kept lines in their shortest wordings."""
        return sum(min(speech_units(t, language) for t in p.texts) for p in kept)

    while len(kept) > 1 and shortest() > limit:
        optional = [i for i, p in enumerate(kept) if not p.essential]
        kept.pop(optional[-1] if optional else len(kept) - 1)
    return kept


def _join(parts: list[str], language: str) -> str:
    if language == "zh":
        return "".join(parts)
    text = " ".join(p.strip() for p in parts if p.strip())
    if language == "en":
        text = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)
    return text


def _truncate(text: str, language: str, units: int) -> str:
    if language == "zh":
        return text[: max(units, 1)].rstrip("，,") + "。"
    words = text.split()[: max(units, 1)]
    return _join([" ".join(words).rstrip(",;:") + "."], language)
