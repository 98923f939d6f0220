"""Story lines of the offline writer, read from each language's data/<code>/lines.toml.

A Line is one step of the story told in a few alternative wordings (longest first) plus what the
camera sees. Placeholders name the cast and the place; a wording whose placeholders the story
cannot fill is skipped, so lines about a second character vanish from a story that has none.
The placeholders each language fills are listed at the top of its lines file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from common.adapters.offline.writer.tables import load

Arc = dict[str, list["Line"]]  # beat (and "short": a two-scene ending) -> lines


@dataclass(frozen=True)
class Line:
    """One step of the story: alternative wordings, what is seen, and whether it may be dropped."""

    variants: tuple[str, ...]
    visual: str = ""
    essential: bool = False
    after_turn: bool = False  # only makes sense once the turn has happened


def _line(raw: dict[str, Any]) -> Line:
    return Line(
        tuple(raw["say"]), raw.get("see", ""), raw.get("essential", False),
        raw.get("after_turn", False),
    )  # fmt: skip


@dataclass(frozen=True)
class Lines:
    """Everything one language can say in a story."""

    arcs: dict[str, Arc]  # English: by kind of story; others: "solo" and "pair"
    spare: dict[str, list[Line]]  # for beats with more scenes than the arc has lines
    fillers: dict[str, list[tuple[str, bool]]]  # (text, said before the scene's lines)
    day: dict[str, Any]  # times, doings, pair_doings; say and see templates
    opening_hook: Line | None = None  # English: a two-scene hook saying the premise
    companion: Line | None = None  # English: the prompt's second character comes along

    def day_lines(self, pair: bool) -> list[Line]:
        """A line for every moment of the day: each time with each doing, the doings taking
        turns so that neighbours differ (pair doings in a friendship, when the language has them).
        """
        doings = (
            self.day["pair_doings"] if pair and "pair_doings" in self.day else self.day["doings"]
        )
        times = self.day["times"]
        n = len(times)
        out = []
        for r in range(n):
            for j, doing in enumerate(doings):
                time = times[(r + j) % n]
                # "masculine||feminine" doings (Arabic) make "masculine||feminine" lines
                say = "||".join(
                    self.day["say"].format(time=time, doing=d) for d in doing.split("||")
                )
                see = self.day["see"].replace("{doing}", doing).replace("{time}", time)
                out.append(Line((say,), see))
        return out


@cache
def lines(code: str) -> Lines:
    """The lines of language `code`."""
    data = load(f"{code}/lines.toml")
    arcs = {
        name: {beat: [_line(x) for x in beat_lines] for beat, beat_lines in arc.items()}
        for name, arc in data["arcs"].items()
    }
    one = {k: _line(data[k][0]) for k in ("opening_hook", "companion") if k in data}
    return Lines(
        arcs=arcs,
        spare={beat: [_line(x) for x in xs] for beat, xs in data["spare"].items()},
        fillers={
            beat: [(x["say"], x["before"]) for x in xs] for beat, xs in data["fillers"].items()
        },
        day=data["day"],
        **one,
    )
