"""The offline script writer: deterministic stories, sized to the duration, in three languages."""

from __future__ import annotations

import re
import unicodedata

import pytest

from common.adapters.offline.writer import OfflineScriptWriter
from common.domain.assets import ScriptRequest
from common.domain.errors import InvalidInputError
from common.domain.story import Story
from common.ports.providers import ScriptWriter

DEMO = "a lighthouse keeper befriends a lonely whale"
PADDING_S = 0.8
# The offline narrator's measured speaking rates (espeak-ng at 165 wpm), kept here on purpose
# rather than imported, so the test is an independent check of the writer's pacing.
RATES = {"en": 2.85, "zh": 3.35, "ar": 1.75}
BEAT_ORDER = {"hook": 0, "development": 1, "turn": 2, "resolution": 3}
PROMPTS = [
    DEMO,
    "a kitten learns to fly",
    "a robot searches for a lost star",
    "a girl and her dog explore the forest",
    "a brave knight saves the village from a dragon",
    "Write a short story about an old fox who is afraid of the dark",
    "a lonely robot wants a friend",
    "the moon",
]


def write(prompt: str = DEMO, duration_s: int = 30, language: str = "auto", seed: int = 0) -> Story:
    request = ScriptRequest(prompt=prompt, duration_s=duration_s, language=language, seed=seed)
    return OfflineScriptWriter().write(request)


def spoken_s(text: str, language: str) -> float:
    if language == "zh":
        return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") / RATES["zh"]
    return len(re.findall(r"[^\W_]+(?:['’][^\W_]+)*", text)) / RATES[language]


def story_length_s(story: Story) -> float:
    return sum(spoken_s(s.narration, story.language) + PADDING_S for s in story.scenes)


def all_text(story: Story) -> list[str]:
    texts = [story.title, story.logline, story.style.visual_style]
    texts += [c.name for c in story.style.characters]
    texts += [c.description for c in story.style.characters]
    for scene in story.scenes:
        texts += [scene.narration, scene.visual_prompt, scene.on_screen_text, scene.setting]
    return texts


def test_writer_is_a_script_writer_with_a_provider_id():
    writer: ScriptWriter = OfflineScriptWriter()
    assert writer.id == "offline-writer/1"


def test_same_request_gives_the_same_story():
    assert write(seed=7) == write(seed=7)
    assert write("一只小猫学会了飞翔", 45) == write("一只小猫学会了飞翔", 45)


def test_different_prompts_give_different_stories():
    stories = [write(p) for p in PROMPTS]
    narrations = {" ".join(s.narration for s in story.scenes) for story in stories}
    assert len(narrations) == len(PROMPTS)
    assert len({story.title for story in stories}) == len(PROMPTS)


def test_seed_changes_the_cast_but_not_the_premise():
    heroes = {write(seed=seed).style.characters[0].name for seed in range(8)}
    assert len(heroes) > 1
    assert all(write(seed=seed).style.characters[0].role == "lighthouse keeper" for seed in (1, 2))


@pytest.mark.parametrize("duration_s", [10, 15, 30, 60, 180])
@pytest.mark.parametrize("prompt", PROMPTS)
def test_scene_count_and_spoken_length_follow_the_duration(prompt, duration_s):
    story = write(prompt, duration_s)
    expected = min(30, max(2, round(duration_s / 6)))
    assert abs(len(story.scenes) - expected) <= 1
    assert 2 <= len(story.scenes) <= 30
    assert story_length_s(story) == pytest.approx(duration_s, rel=0.15)


@pytest.mark.parametrize("duration_s", [10, 30, 90, 180])
@pytest.mark.parametrize(
    "prompt", [PROMPTS[0], PROMPTS[1], "一只小猫学会了飞翔", "قطة صغيرة تتعلم الطيران"]
)
def test_each_scene_buys_the_clip_its_own_time_covers_and_says_no_more_than_the_longest(
    prompt, duration_s
):
    story = write(prompt, duration_s)
    for scene in story.scenes:
        own = spoken_s(scene.narration, story.language) + PADDING_S
        assert own <= 8 + 1e-9  # no longer than the longest clip
        # the longest clip its own time covers (a clip may run 0.2 s past it and be trimmed)
        covered = [c for c in (4, 6, 8) if c <= own + 0.2 + 1e-9]
        assert scene.clip_seconds == (covered[-1] if covered else 4)
    assert story_length_s(story) == pytest.approx(duration_s, rel=0.15)


@pytest.mark.parametrize("duration_s", [10, 15, 20, 30, 60, 120, 180])
def test_beats_run_from_hook_to_resolution(duration_s):
    beats = [s.beat for s in write(duration_s=duration_s).scenes]
    assert beats[0] == "hook"
    assert beats[-1] == "resolution"
    assert [BEAT_ORDER[b] for b in beats] == sorted(BEAT_ORDER[b] for b in beats)
    if len(beats) >= 4:
        assert {"development", "turn"} <= set(beats)


def test_moods_follow_the_beats():
    story = write(duration_s=60)
    by_beat = {s.beat: s.mood for s in story.scenes}
    assert by_beat["hook"] in ("calm", "mysterious")
    assert by_beat["turn"] == "tense"
    assert story.scenes[-1].mood in ("hopeful", "joyful", "triumphant")


def test_scenes_and_characters_are_named_and_referenced_consistently():
    story = write(duration_s=60)
    ids = {c.id for c in story.style.characters}
    assert [s.id for s in story.scenes] == [f"s{i:02d}" for i in range(1, len(story.scenes) + 1)]
    assert ids <= {"c1", "c2", "c3"} and "c1" in ids
    for scene in story.scenes:
        assert scene.characters and set(scene.characters) <= ids
        for character in story.style.characters:
            if character.id in scene.characters:
                assert character.description in scene.visual_prompt
        assert scene.transition is None


def test_demo_story_reads_like_the_prompt():
    story = write(DEMO, 30)
    keeper, whale = story.style.characters[:2]
    assert story.title == "The Lighthouse Keeper and the Lonely Whale"
    assert keeper.role == "lighthouse keeper" and "lighthouse keeper" in keeper.description
    assert "whale" in whale.description
    narration = " ".join(s.narration for s in story.scenes)
    assert keeper.name in narration and whale.name in narration
    assert "whale" in narration
    assert any("lighthouse" in s.setting or "sea" in s.setting for s in story.scenes)
    assert "{" not in narration and "}" not in narration


def test_visual_prompts_name_shot_light_camera_and_style():
    story = write(DEMO, 30, seed=3)
    for scene in story.scenes:
        prompt = scene.visual_prompt
        assert re.search(r"\b(shot|Close-up)\b", prompt)
        for part in ("Action:", "Setting:", "Light:", "Camera:", "storybook illustration"):
            assert part in prompt
        assert len(scene.on_screen_text) <= 40
    assert story.scenes[0].on_screen_text


def test_style_bible_has_five_hex_colours_and_few_characters():
    for prompt in PROMPTS:
        style = write(prompt, 60).style
        assert len(style.palette) == 5
        assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in style.palette)
        assert 1 <= len(style.characters) <= 3
        assert style.lighting


def test_title_is_title_case_and_short():
    story = write("a kitten learns to fly")
    assert story.title == "The Kitten Who Learned to Fly"
    assert write("two robots explore Mars").title == "Two Robots Explore Mars"


def test_chinese_prompt_gives_a_chinese_story_about_its_subject():
    story = write("一只小猫学会了飞翔", 30)
    assert story.language == "zh"
    narration = "".join(s.narration for s in story.scenes)
    assert "小猫" in narration and "学会了飞翔" in narration
    han = sum(1 for ch in narration if "\u4e00" <= ch <= "\u9fff")
    assert han > 0.6 * len(narration)
    assert not re.search(r"[A-Za-z]", narration)


def test_arabic_prompt_gives_an_arabic_story_about_its_subject():
    story = write("قطة صغيرة تتعلم الطيران", 30)
    assert story.language == "ar"
    narration = " ".join(s.narration for s in story.scenes)
    assert "قطة صغيرة" in narration
    assert not re.search(r"[A-Za-z]", narration)
    assert "تتعلم الطيران" in story.logline


def test_explicit_languages_are_honoured_and_others_are_refused_naming_the_language():
    assert write(DEMO, language="zh").language == "zh"
    assert write(DEMO, language="ar").language == "ar"
    assert write("一只小猫学会了飞翔", language="en").language == "en"
    assert write(DEMO, language="zh-CN").language == "zh"
    assert write(DEMO, language="fr").language == "fr"
    with pytest.raises(InvalidInputError) as caught:
        write(DEMO, language="sw")
    message = caught.value.fields["language"]
    assert "es (Spanish)" in message and "gemini" in message.lower()


@pytest.mark.parametrize(
    ("prompt", "language", "noun"),
    [
        ("Un pequeño robot aprende a pintar el atardecer", "es", "robot"),
        ("Um pequeno robô aprende a pintar o pôr do sol", "pt", "robô"),
        ("Un petit robot apprend à peindre le coucher du soleil", "fr", "robot"),
        ("Ein kleiner Roboter lernt den Sonnenuntergang zu malen", "de", "Roboter"),
        ("Sebuah robot kecil belajar melukis matahari terbenam", "id", "robot"),
        ("एक छोटी लड़की चाँद से बात करती है", "hi", "लड़की"),
        ("小さなロボットが夕焼けの絵を描くことを学ぶ", "ja", "ロボット"),
        ("작은 로봇이 노을을 그리는 법을 배워요", "ko", "로봇"),
    ],
)
def test_a_prompt_in_another_language_is_told_in_it_about_its_subject(prompt, language, noun):
    story = write(prompt, 30)
    assert story.language == language
    narration = " ".join(s.narration for s in story.scenes)
    assert noun in narration
    assert "{" not in narration and "}" not in narration
    if language not in ("hi", "ja", "ko"):
        assert not re.search(r"\b(the|and|is)\b", narration)  # not English
    assert not re.search(r"[A-Za-z]", narration) or language not in ("hi", "ja", "ko")


@pytest.mark.parametrize(
    "prompt", ["子猫と犬が友達になる", "灯台守がくじらと出会う", "A fox guards a forest"]
)
def test_japanese_is_told_in_kana_phrases_espeak_can_time(prompt):
    story = write(prompt, 30, language="ja")
    for scene in story.scenes:
        assert not re.search(r"[\u4e00-\u9fff]", scene.narration)  # no kanji: espeak spells them
        assert re.fullmatch(r"[\u3040-\u30ff、。！？ー…「」 ]+", scene.narration), scene.narration
        assert " " in scene.narration  # a phrase at a time


@pytest.mark.parametrize("seed", range(6))
def test_korean_particles_agree_with_the_names_they_follow(seed):
    story = write("고양이와 강아지가 친구가 돼요", 30, seed=seed)
    text = " ".join([story.title, story.logline, *(s.narration for s in story.scenes)])
    assert "/" not in text
    for name in {c.name for c in story.style.characters}:
        batchim = (ord(name[-1]) - 0xAC00) % 28 != 0
        for particle in re.findall(re.escape(name) + r"(은|는|이|가|을|를|과|와)(?=\s)", text):
            assert particle in (("은", "이", "을", "과") if batchim else ("는", "가", "를", "와"))


def test_a_prompt_in_a_language_the_writer_does_not_speak_is_refused_not_told_in_english():
    with pytest.raises(InvalidInputError) as caught:
        write("Un piccolo robot impara a dipingere il tramonto")
    message = caught.value.fields["language"]
    assert "Italian" in message and "gemini" in message.lower()


def test_emoji_are_stripped_from_every_story_text():
    story = write("🐳 a whale who sings 🎶", 30)
    for text in all_text(story):
        assert not any(unicodedata.category(ch) == "So" for ch in text), text
    narration = " ".join(s.narration for s in story.scenes)
    assert "sings" in narration
    assert write("👩‍🚀 an astronaut 🇫🇷 travels to the moon 1️⃣").title == (
        "An Astronaut Travels to the Moon"
    )


@pytest.mark.parametrize("prompt", ["", "   \n", "🐳🎶", "👩‍🚀 ✨ 🌊"])
def test_prompt_without_words_is_refused_naming_the_field(prompt):
    with pytest.raises(InvalidInputError) as caught:
        write(prompt)
    assert "prompt" in caught.value.fields


@pytest.mark.parametrize("duration_s", [0, 9, 181])  # the bounds a project allows
def test_duration_out_of_range_is_refused_naming_the_field(duration_s):
    with pytest.raises(InvalidInputError) as caught:
        write(duration_s=duration_s)
    assert "duration_s" in caught.value.fields


def test_long_stories_do_not_repeat_scenes():
    story = write(DEMO, 180)
    narrations = [s.narration for s in story.scenes]
    assert len(set(narrations)) == len(narrations)
