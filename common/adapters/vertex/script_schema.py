"""The response schema Gemini fills for a story, and how its answer becomes a valid Story.

Gemini's response schema takes a subset of JSON Schema: string enums but not integer ones, no
cross-field rules. So the model fills a `StoryDraft` (clip lengths as the strings "4", "6", "8",
no scene ids), and `to_story` maps it onto the domain `Story`: scene ids s01, s02... (the
pipeline's seeds follow them), character ids made into slugs and scene casts matched to them,
each clip planned from its narration (common/domain/pacing.py `clip_for`: the clip the scene's
own time covers, whatever the model asked for, so no Veo second is bought that the video does
not show), and the whole checked against the requested duration. What cannot be repaired
raises StoryProblem, which the writer sends back to the model as feedback.

The draft also carries each platform's listing (title, description, hashtags: `listings`);
`to_story` cleans it mechanically (hashtags made into `#Word`s, titles cut to 100 characters at
a word) and, when the model left it out or it cannot be used, makes it from the title and
logline: a listing is never a reason to ask the model again.

A story told in a format (common/domain/formats.py) gets a schema of its own (`draft_model`):
each scene names the format part it belongs to, from an enum of the format's parts, and
`to_story` checks the parts come in order, each at least once, and gives each scene its part's
beat.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, create_model, field_validator

from common.domain.assets import ScriptRequest
from common.domain.formats import StoryFormat
from common.domain.listings import (
    HASHTAGS_PER_PLATFORM,
    Listing,
    Listings,
    clamp_title,
    hashtags,
    listings_from,
)
from common.domain.pacing import (
    LENGTH_TOLERANCE,
    MAX_SCENES,
    ClipSeconds,
    SpeakingRates,
    clip_for,
    narration_for,
    planned_length,
    scene_count,
)
from common.domain.story import Beat, Character, Mood, Scene, Story, StyleBible

_SLUG_BAD = re.compile(r"[^a-z0-9_-]+")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


class StoryProblem(ValueError):
    """A model's answer that cannot become a Story; the message is fed back to the model."""


class DraftCharacter(BaseModel):
    id: str = Field(description="short lowercase id: letters, digits, '-' or '_' (e.g. 'mara')")
    name: str = Field(description="the character's name as the narration says it")
    role: str = Field(description="role in the story, a few words")
    description: str = Field(
        description="fixed visual description reused verbatim in every image: species or age, "
        "build, face, hair, clothing with colours, one distinguishing mark"
    )


class DraftStyle(BaseModel):
    visual_style: str = Field(description="one line: medium, technique, look")
    palette: list[str] = Field(
        min_length=3, max_length=8, description="3 to 8 colours as #rrggbb hex codes"
    )
    lighting: str = Field(description="the light every image shares")
    characters: list[DraftCharacter] = Field(max_length=6)


class DraftScene(BaseModel):
    beat: Beat
    narration: str = Field(description="what the narrator says in this scene")
    visual_prompt: str = Field(
        description="shot type, subject, action, setting, light, camera movement"
    )
    on_screen_text: str = Field(description="at most 6 words, or empty")
    mood: Mood
    setting: str = Field(description="where the scene happens, a few words")
    characters: list[str] = Field(description="ids of the characters in shot")
    clip_seconds: Literal["4", "6", "8"] = Field(description="clip length that holds the line")

    @field_validator("clip_seconds", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        # Models sometimes answer 6 for "6": same meaning.
        return str(value) if isinstance(value, int) else value


class DraftListing(BaseModel):
    title: str = Field(description="the title this platform shows")
    description: str = Field(description="the text under the video")
    hashtags: list[str] = Field(description="hashtags, one word each, e.g. '#LonelyWhale'")


class DraftListings(BaseModel):
    # What each platform's listing should be like is in the prompt (script_prompt.py): the
    # SDK drops the descriptions of fields whose type is a model when it inlines them.
    youtube: DraftListing
    tiktok: DraftListing
    instagram: DraftListing


class StoryDraft(BaseModel):
    """What Gemini is asked to return (the response schema)."""

    title: str = Field(description="short title, in the narration's language")
    logline: str = Field(description="one sentence")
    language: str = Field(description="language code of the narration, e.g. 'en', 'es', 'zh'")
    style: DraftStyle
    scenes: list[DraftScene] = Field(min_length=1, max_length=MAX_SCENES)
    listings: DraftListings | None = Field(
        None,
        description="what each platform shows with the video, in the narration's language",
    )


def draft_model(story_format: StoryFormat | None) -> type[StoryDraft]:
    """The response schema for a story told in `story_format`: StoryDraft whose scenes each
    name their `part` (an enum of the format's parts); StoryDraft itself without a format."""
    if story_format is None:
        return StoryDraft
    part: Any = Literal[tuple(part.name for part in story_format.parts)]
    described = Field(description="the format part this scene tells, in the format's order")
    scene: Any = create_model("FormatScene", __base__=DraftScene, part=(part, described))
    scenes = Field(min_length=1, max_length=MAX_SCENES)
    return create_model("FormatStoryDraft", __base__=StoryDraft, scenes=(list[scene], scenes))


def _format_beats(draft: StoryDraft, story_format: StoryFormat) -> list[Beat]:
    """Each scene's beat from the format part it names; StoryProblem when the parts are out of
    order or one is missing (while there are scenes enough for every part)."""
    order = {part.name: i for i, part in enumerate(story_format.parts)}
    parts = [getattr(scene, "part", "") for scene in draft.scenes]
    if any(p not in order for p in parts):
        raise StoryProblem(f"every scene's `part` must be one of {list(order)}")
    positions = [order[p] for p in parts]
    for number, (before, after) in enumerate(itertools.pairwise(positions), start=2):
        if after < before:
            raise StoryProblem(
                f"scene {number} is part {parts[number - 1]!r} after part "
                f"{parts[number - 2]!r}: keep the parts in the order {list(order)}"
            )
    missing = [name for name in order if name not in parts]
    if missing and len(parts) >= len(order):
        raise StoryProblem(f"the story leaves out the parts {missing}: tell every part in order")
    return [story_format.parts[i].beat for i in positions]


def words_for(clip: ClipSeconds, rates: SpeakingRates, language: str) -> int:
    """About how many words (or characters) fill a scene filmed as a `clip`-second clip."""
    return rates.units_in(narration_for(clip), language)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG_BAD.sub("-", ascii_text.lower()).strip("-")[:40]


def _characters(draft: StoryDraft) -> tuple[list[Character], dict[str, str]]:
    """Characters with slug ids, and every way a scene may name one mapped to its id."""
    characters: list[Character] = []
    names: dict[str, str] = {}
    for number, c in enumerate(draft.style.characters, start=1):
        cid = _slug(c.id) or _slug(c.name) or f"c{number}"
        while cid in {x.id for x in characters}:
            cid = f"{cid[:36]}-{number}"
        characters.append(
            Character(
                id=cid,
                name=c.name.strip(),
                role=c.role.strip()[:80],
                description=c.description.strip(),
            )
        )
        for alias in (c.id, c.name, cid):
            for key in (alias.strip().lower(), _slug(alias)):
                if key:
                    names[key] = cid
    return characters, names


def to_story(draft: StoryDraft, request: ScriptRequest, rates: SpeakingRates) -> Story:
    """The Story a draft describes, repaired where that is mechanical; StoryProblem otherwise.
    Lengths are estimated at `rates`, the speaking rates of the narrator that will read it."""
    language = (request.language if request.language != "auto" else draft.language).strip()
    if not _LANGUAGE.match(language):
        raise StoryProblem(f"language must be a code like 'en' or 'pt-BR', got {language!r}")
    try:
        characters, names = _characters(draft)
    except ValidationError as exc:
        raise StoryProblem("style.characters: " + validation_summary(exc)) from exc
    beats = (
        _format_beats(draft, request.format)
        if request.format is not None
        else [s.beat for s in draft.scenes]
    )
    scenes = [
        _scene(number, s, beat, names, rates.seconds(s.narration, language))
        for number, (s, beat) in enumerate(zip(draft.scenes, beats, strict=True), 1)
    ]
    try:
        story = Story(
            title=draft.title.strip()[:200],
            logline=draft.logline.strip()[:500],
            language=language,
            style=StyleBible(
                visual_style=draft.style.visual_style.strip()[:300],
                palette=[p.strip() for p in draft.style.palette],
                lighting=draft.style.lighting.strip()[:200],
                characters=characters,
            ),
            scenes=scenes,
        )
    except ValidationError as exc:
        raise StoryProblem(validation_summary(exc)) from exc
    check_duration(story, request.duration_s, rates)
    return story.model_copy(update={"listings": _listings(draft.listings, story)})


def _listings(draft: DraftListings | None, story: Story) -> Listings:
    """The draft's listings, cleaned; any platform's that cannot be used made from the story."""
    made = listings_from(story.title, story.logline)
    if draft is None:
        return made
    kept = {}
    for platform in ("youtube", "tiktok", "instagram"):
        written: DraftListing = getattr(draft, platform)
        tags = hashtags(written.hashtags, HASHTAGS_PER_PLATFORM[platform])
        try:
            kept[platform] = Listing(
                title=clamp_title(written.title) or made.of(platform).title,
                description=written.description.strip()[:5000],
                hashtags=tags or made.of(platform).hashtags,
            )
        except ValidationError:
            kept[platform] = made.of(platform)
    return Listings(**kept)


def _scene(number: int, s: DraftScene, beat: Beat, names: dict[str, str], spoken_s: float) -> Scene:
    cast = [names.get(ref.strip().lower()) or names.get(_slug(ref) or "?") for ref in s.characters]
    unknown = [ref for ref, cid in zip(s.characters, cast, strict=True) if cid is None]
    if unknown:
        raise StoryProblem(
            f"scene {number} names characters that are not in style.characters: {unknown}"
        )
    clip = clip_for(spoken_s)  # trimmed or held, never bought longer than the scene shows
    try:
        return Scene(
            id=f"s{number:02d}",
            beat=beat,
            narration=s.narration.strip(),
            visual_prompt=s.visual_prompt.strip(),
            on_screen_text=s.on_screen_text.strip()[:120],
            mood=s.mood,
            setting=s.setting.strip()[:300],
            characters=list(dict.fromkeys(c for c in cast if c is not None)),
            clip_seconds=clip,
        )
    except ValidationError as exc:
        raise StoryProblem(f"scene {number}: {validation_summary(exc)}") from exc


def check_duration(story: Story, duration_s: int, rates: SpeakingRates) -> None:
    """StoryProblem when the narration is far longer or shorter than the requested duration."""
    length = planned_length([s.narration for s in story.scenes], story.language, rates)
    low, high = LENGTH_TOLERANCE
    if not low * duration_s <= length <= high * duration_s:
        raise StoryProblem(
            f"the narration runs about {length:.0f} s but the video must last about "
            f"{duration_s} s: write about {scene_count(duration_s)} scenes of about "
            f"{words_for(6, rates, story.language)} words each"
        )


def validation_summary(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "story"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)
