"""One offline story being written: its cast, its lines shared over scenes, its pictures.

The premise's cast is named and given fixed looks, and the story's arc (hook, development, turn,
resolution) is told in lines sized to the requested duration at the narrator's speaking rates
(fitting.py composes the lines; the numbers are common/domain/pacing.py's).
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace
from string import Formatter

from common.adapters.offline.writer.cast import (
    Member,
    Picker,
    any_context,
    ar_context,
    build_cast,
    en_context,
    zh_context,
)
from common.adapters.offline.writer.fitting import Piece, fit_scene, plan_beats, spread
from common.adapters.offline.writer.framing import (
    logline,
    scene_mood,
    short_title,
    shot_and_camera,
    title,
)
from common.adapters.offline.writer.korean import attach_particles
from common.adapters.offline.writer.lines import Line, lines
from common.adapters.offline.writer.premise import Figure, Premise
from common.adapters.offline.writer.tables import Setting, language, visuals, world
from common.domain.assets import ScriptRequest
from common.domain.pacing import (
    MAX_NARRATION_S,
    PADDING_S,
    SECONDS_PER_SCENE,
    SpeakingRates,
    clip_for,
    scene_count,
)
from common.domain.story import Beat, Character, Scene, Story, StyleBible

_BEATS: tuple[Beat, ...] = ("hook", "development", "turn", "resolution")
_HERO_KEYS = {"P", "he", "him", "his", "himself"}
_DEFAULT_VISUAL = "{P} {near}"


class Draft:
    """One story being written: what every scene shares."""

    def __init__(
        self, premise: Premise, language: str, request: ScriptRequest, rates: SpeakingRates
    ) -> None:
        if premise.category == "friendship" and premise.other is None:
            # "wants a friend": the friend will be someone who lives there
            kinds = [k for k in world().helpers[premise.setting] if k != premise.hero.kind]
            premise = replace(premise, other=Figure(kinds[0], ""))
        self.premise, self.language, self.request = premise, language, request
        self.rates = rates
        self.picker = Picker(premise.text.lower(), request.seed)  # "A cat" tells "a cat"'s story
        self.format = request.format
        # A format's pacing asks for shorter (brisk) or longer (slow) scenes than the usual six
        # seconds: as many more or fewer of them.
        paced = SECONDS_PER_SCENE / self.format.preferred_clip_s if self.format else 1.0
        self.count = scene_count(request.duration_s * paced)
        self.setting: Setting = world().settings[premise.setting]
        helper = (premise.other is None and self.count >= 4) or self.count >= 12
        self.cast = build_cast(premise, language, self.setting, self.picker, helper)
        self.other = next((m for m in self.cast if m.slot == "other"), None)
        self.category = premise.category
        if self.category == "friendship" and self.other is None:
            self.category = "generic"
        self.tone = world().category_tone[self.category]
        self.visual_ctx = en_context(self.cast, premise, self.setting, self.picker)
        if language == "zh":
            self.ctx = zh_context(self.cast, premise, self.setting)
        elif language == "ar":
            self.ctx = ar_context(self.cast, premise, self.setting)
        elif language == "en":
            self.ctx = self.visual_ctx
        else:
            self.ctx = any_context(self.cast, premise, self.setting, language)
        style = " ".join(w for w in request.visual_style.split() if any(c.isalnum() for c in w))
        self.style = (style or "storybook illustration")[:300]
        self.palette = list(self.format.palette if self.format and self.format.palette else
                            self.setting.palettes[self.tone])  # fmt: skip
        self.lighting = (self.format.lighting if self.format else "") or self.setting.lighting[
            self.tone
        ]
        self.title = title(premise, self.cast, language, self.category)

    def story(self) -> Story:
        """Plan the beats, share the lines over the scenes, and size each scene's narration."""
        # A format's parts in order (each about its share of the scenes), else the usual arc.
        beats = [p.beat for p in self.format.plan(self.count)] if self.format else None
        beats = beats or plan_beats(self.count)
        short = "development" not in beats
        rate = self.rates.rate(self.language)
        nominal = max(1.0, (self.request.duration_s / self.count - PADDING_S) * rate)
        groups: list[list[Piece]] = []
        told: set[Beat] = set()
        for beat, run in itertools.groupby(beats):
            count = len(list(run))
            arc = [] if beat in told else self._arc(beat, short)  # a beat's lines said once
            arc = [x for x in arc if "turn" in beats or not x.after_turn]
            told.add(beat)
            lines = self._pieces(arc, essential=True)
            spares = self._pieces(self._spares(beat), essential=False)
            groups.extend(spread(lines, spares, count, nominal, self.language))
        used: Counter[str] = Counter()
        scenes: list[Scene] = []
        spent = 0.0
        for index, (beat, lines) in enumerate(zip(beats, groups, strict=True)):
            target = (self.request.duration_s - spent) / (self.count - index) - PADDING_S
            target = min(max(target, 1.0), MAX_NARRATION_S)
            narration = fit_scene(
                lines, self._fillers(beat), used, target, self.language, self.rates
            )
            spent += self.rates.seconds(narration, self.language) + PADDING_S
            scenes.append(self._scene(index, beats, narration, lines))
        return Story(
            title=self.title, language=self.language, scenes=scenes,
            logline=logline(self.cast, self.language, self.ctx, self.setting)[:500],
            style=StyleBible(
                visual_style=self.style, palette=self.palette,
                lighting=self.lighting[:200],
                characters=[_character(m) for m in self.cast],
            ),
        )  # fmt: skip

    # --- lines -----------------------------------------------------------------------------------

    def _arc(self, beat: Beat, short: bool) -> list[Line]:
        said = lines(self.language)
        if self.language == "en":
            arc = said.arcs[self.category]
            if short and beat == "hook":  # two scenes: say the premise straight away
                hook = said.opening_hook
                return [hook] if hook and "story_action" in self.ctx else arc["hook"][:1]
            companion = said.companion
            if beat == "development" and self.other is not None and self.category != "friendship":
                return [companion, *arc[beat]] if companion else arc[beat]
        else:
            arc = said.arcs["pair" if self.other is not None else "solo"]
        return arc["short"] if short and beat == "resolution" else arc[beat]

    def _spares(self, beat: Beat) -> list[Line]:
        """Lines for beats with more scenes than lines: spares, then moments of the day."""
        said = lines(self.language)
        spares = said.spare[beat]
        if beat != "development":
            return spares
        return [*spares, *said.day_lines(self.category == "friendship")]

    def _render(self, template: str) -> str | None:
        if "||" in template:  # Arabic: masculine||feminine, agreeing with the hero
            template = template.split("||")[1 if self.cast[0].gender == "f" else 0]
        return _fill(template, self.ctx)

    def _pieces(self, lines: list[Line], essential: bool) -> list[Piece]:
        """The lines this story can say (every placeholder filled), in order."""
        out = []
        for line in lines:
            texts = [t for t in (self._render(v) for v in line.variants) if t]
            if texts:
                out.append(Piece(texts, essential and line.essential, line.visual))
        return out

    def _fillers(self, beat: Beat) -> list[Piece]:
        raw = list(lines(self.language).fillers[beat])
        if beat != "turn":
            places = language(self.language).places
            senses = places[self.setting.key].senses if places else self.setting.senses
            raw += [(s, True) for s in senses]
        out = []
        for template, before in raw:
            text = self._render(template)
            if text:
                out.append(Piece([text], False, "", before))
        return self.picker.order(f"fillers:{beat}", out)

    # --- scenes ----------------------------------------------------------------------------------

    def _scene(self, index: int, beats: list[Beat], narration: str, lines: list[Piece]) -> Scene:
        beat = beats[index]
        last = index == len(beats) - 1
        template = next((p.visual for p in lines if p.visual), "") or _DEFAULT_VISUAL
        in_shot = self._in_shot(template)
        place = self.setting.places[_BEATS.index(beat)].format(landmark=self.visual_ctx["landmark"])
        if index == 0:
            on_screen = short_title(self.title, self.cast, self.language)
        elif beat == "turn" and beats.index("turn") == index:
            on_screen = language(self.language).turn_text
        else:
            on_screen = language(self.language).end_text if last else ""
        return Scene(
            id=f"s{index + 1:02d}", beat=beat, narration=narration,
            visual_prompt=self._visual_prompt(index, beat, template, in_shot, place),
            on_screen_text=on_screen, mood=scene_mood(self.category, beat, last),
            setting=place[:300], characters=[m.id for m in self.cast if m.id in in_shot],
            clip_seconds=clip_for(self.rates.seconds(narration, self.language)),
        )  # fmt: skip

    def _visual_prompt(
        self, index: int, beat: Beat, template: str, in_shot: set[str], place: str
    ) -> str:
        """Shot, subjects with their fixed descriptions, action, setting, light, camera, style."""
        shot, camera = shot_and_camera(self.picker, beat, index)
        action = _fill(template, self.visual_ctx) or self.cast[0].name
        light = {
            "turn": self.setting.lighting["dramatic"],
            "resolution": f"gentle morning light as {self.visual_ctx['dawn']}",
        }.get(beat, self.setting.lighting[self.tone])
        subjects = "; ".join(f"{m.name}, {m.description}" for m in self.cast if m.id in in_shot)
        frame = visuals()["frames"].get(self.request.aspect, f"{self.request.aspect} frame")
        prompt = (
            f"{shot}, {frame}. {subjects}. Action: {action}. Setting: {place}. Light: {light}. "
            f"Camera: {camera}. Style: {self.style}, colour palette {', '.join(self.palette)}."
        )
        return prompt[:2000]

    def _in_shot(self, visual_template: str) -> set[str]:
        """Ids of the characters a visual names (the hero when it names no one)."""
        fields = {f for _, f, _, _ in Formatter().parse(visual_template) if f}
        ids = {self.cast[0].id} if fields & _HERO_KEYS or not fields else set()
        for member in self.cast[1:]:
            if member.slot == "other":
                named = bool(fields & {"O", "a_o", "arrive"}) or any(
                    f.startswith("o_") for f in fields
                )
            else:
                named = bool(fields & {"H", "a_h", "h_role"})
            if named:
                ids.add(member.id)
        return ids


def _fill(template: str, ctx: dict[str, str]) -> str | None:
    """The template with its placeholders filled (Korean particles fitted to them), or None
    when one has no value."""
    fields = {f for _, f, _, _ in Formatter().parse(template) if f}
    return attach_particles(template.format(**ctx)) if fields <= ctx.keys() else None


def _character(member: Member) -> Character:
    return Character(
        id=member.id, name=member.name[:80], role=member.noun[:80],
        description=member.description,
    )  # fmt: skip
