"""The instructions Gemini gets for a story: a style bible, scenes sized for 4/6/8 s clips, and
visual prompts a video model can film."""

from __future__ import annotations

from common.adapters.vertex.script_schema import words_for
from common.domain.assets import ScriptRequest
from common.domain.formats import StoryFormat
from common.domain.pacing import (
    CHARACTER_LANGUAGES,
    PADDING_S,
    SpeakingRates,
    base_language,
    scene_count,
)

_FRAMING = {
    "9:16": "vertical 9:16 frame: keep the subject centred, room above and below",
    "16:9": "wide 16:9 frame: use the width, subject on a third",
    "1:1": "square frame: subject centred",
}


_LISTING_LINES = (
    "`listings`: what YouTube, TikTok and Instagram show with the video, in the narration's "
    "language: YouTube a searchable title of at most 90 characters, two or three sentences of "
    "description and 3 to 5 hashtags; TikTok a one-line hook as its title and 3 to 5 hashtags; "
    "Instagram a short headline, a caption of one or two sentences and 5 to 10 hashtags. "
    "Hashtags are single words without spaces (#LonelyWhale); leave out #Shorts (it is added "
    "when the video is one). No < or > characters, no links.",
)


def _language_line(language: str) -> str:
    if language == "auto":
        return (
            "Write the title, narration and on-screen text in the language of the idea below "
            "and put its code in `language`."
        )
    return (
        f"Write the title, narration and on-screen text in the language with code "
        f"'{language}' and set `language` to '{language}'. Visual prompts stay in English."
    )


def _pacing_line(request: ScriptRequest, rates: SpeakingRates) -> str:
    """How much a clip holds, in the words (or characters) of the story's language."""
    language = request.language if request.language != "auto" else "en"
    unit = "characters" if base_language(language) in CHARACTER_LANGUAGES else "words"
    per_minute = rates.rate(language) * 60
    sizes = {clip: words_for(clip, rates, language) for clip in (4, 6, 8)}
    return (
        f"Pacing: the narrator reads about {per_minute:.0f} {unit} a minute and each scene needs "
        f"{PADDING_S:g} s of silence around its line. A 4 s clip holds about {sizes[4]} {unit}, "
        f"a 6 s clip about {sizes[6]}, an 8 s clip about {sizes[8]}. Write each scene's line "
        "to fill its clip: a line between two sizes is filmed with the shorter clip. Set "
        "`clip_seconds` to the clip the scene's narration fills; never write more than an 8 s "
        "clip holds. The narration of all scenes together must fill the target length."
    )


def _format_lines(story_format: StoryFormat, scenes: int) -> list[str]:
    """The format the story follows: its hook, its parts in order with about how many scenes
    each, pacing, voice, ending and look (common/domain/formats.py)."""
    plan = story_format.plan(scenes)
    parts = [
        f"{i}. {part.name} ({part.beat}, about {plan.count(part)} scene"
        f"{'s' if plan.count(part) != 1 else ''}): {part.purpose}"
        for i, part in enumerate(story_format.parts, 1)
    ]
    lines = [
        f"Format: {story_format.name}. Follow it exactly.",
        f"Hook: {story_format.hook}",
        "Structure, in this order (each scene's `beat` is its part's beat):",
        *parts,
        f"Rhythm: {story_format.pacing}: give each scene about as much narration as a "
        f"{story_format.preferred_clip_s} s clip holds.",
    ]
    lines += [
        f"{label}: {value}"
        for label, value in (
            ("Tone", story_format.tone),
            ("Narration", story_format.narration),
            ("Ending", story_format.ending),
        )
        if value
    ]
    look = []
    if story_format.palette:
        look.append(f"use the palette {', '.join(story_format.palette)}")
    if story_format.lighting:
        look.append(f"lighting: {story_format.lighting}")
    if look:
        lines.append("Look of the style bible: " + "; ".join(look) + ".")
    return lines


def script_prompt(request: ScriptRequest, rates: SpeakingRates, feedback: str = "") -> str:
    """The prompt for one story, sized for a narrator speaking at `rates`; `feedback` says what
    was wrong with the previous answer."""
    scenes = scene_count(request.duration_s)
    framing = _FRAMING.get(request.aspect, _FRAMING["9:16"])
    lines = [
        "You write scripts for short narrated videos (faceless shorts). Each scene becomes one "
        "AI video clip of 4, 6 or 8 seconds animated from a still keyframe, with a voice-over.",
        "",
        f"Idea: {request.prompt}",
        f"Target length: about {request.duration_s} seconds in total, so about {scenes} scenes.",
        _language_line(request.language),
        "",
        *(
            _format_lines(request.format, scenes)
            if request.format is not None
            else [
                "Story: a hook in the first scene, development, a turn, and a resolution in the "
                "last scene (the `beat` of each scene). Concrete, visual, one clear idea per scene."
            ]
        ),
        "",
        _pacing_line(request, rates),
        "",
        "Style bible (`style`): one visual style for every image"
        f" ({request.visual_style}), a palette of 3 to 8 #rrggbb colours, the lighting, and at "
        "most 6 characters. Each character gets a fixed visual description (species or age, "
        "build, face, hair, clothing with colours, one distinguishing mark) that will be copied "
        "word for word into every image prompt, so make it complete and never vary it.",
        "",
        "Each scene's `visual_prompt` names, in this order: the shot (wide, medium, close-up...), "
        "the subject, its action, the setting, the light, and the camera movement (slow push-in, "
        f"pan, static...). Composition for a {framing}. Describe characters by name only (their "
        "looks come from the style bible). No text, captions or logos in the picture. "
        "`characters` lists the ids of the characters in shot; `on_screen_text` is at most six "
        "words or empty.",
        "",
        *_LISTING_LINES,
    ]
    if request.avoid_topics:  # an episode of a series: tell something its earlier runs did not
        told = "; ".join(request.avoid_topics[-50:])
        lines += [
            "",
            "This is one episode of a series on the idea above. Earlier episodes already told: "
            f"{told}. Tell a new story on the idea: a different topic, event and title.",
        ]
    if feedback:
        lines += [
            "",
            f"Your previous answer could not be used: {feedback}. Answer again, fixing that.",
        ]
    return "\n".join(lines)
