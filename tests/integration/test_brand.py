"""The brand kit in the finished video: a logo where and as opaque as asked, intro and outro
cards of the right length, and the story (picture, captions, narration) shifted after the
intro. Flat-colour stills and a flat-colour logo make every pixel's expected value known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from common.domain.assets import WordTiming
from common.media.graph.picture import logo_margins, logo_width
from common.media.render.assemble import AssemblyResult, assemble
from common.media.render.cards import with_cards
from common.media.spec.timeline import Timeline
from tests.support.media_checks import (
    VOICE_BAND_HZ,
    band_pass,
    flat_still,
    frames_at,
    level_db,
    speech_like_wav,
)
from tests.support.probe import decode_audio, ffprobe, stream

pytestmark = pytest.mark.slow

W, H, FPS, RATE = 360, 640, 30, 48_000
BACKGROUND = (70, 90, 120)
LOGO = (240, 30, 30)
INTRO_BG, OUTRO_BG = (20, 60, 160), (150, 30, 90)


def base_timeline(root: Path, **extra: object) -> dict[str, object]:
    still = flat_still(root / "still.png", (W, H), BACKGROUND)
    scenes = [
        {"id": "a", "visual": {"kind": "image", "path": str(still)}, "duration_s": 1.5}
        | {"transition": "cut", "transition_s": 0.0},
        {"id": "b", "visual": {"kind": "image", "path": str(still)}, "duration_s": 1.5},
    ]
    return {"width": W, "height": H, "fps": FPS, "video_preset": "veryfast", "crf": 14} | {
        "caption_style": "none",
        "scenes": scenes,
        **extra,
    }


@pytest.fixture(scope="module")
def logo_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("logo") / "logo.png"
    Image.new("RGBA", (80, 40), (*LOGO, 255)).save(path)  # 2:1, fully opaque
    return path


def logo_box(timeline: Timeline) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) where the logo should be, from the documented margins."""
    mx, my = logo_margins(timeline)
    w = logo_width(timeline)
    h = w // 2  # the logo is 2:1
    assert timeline.logo is not None
    vertical, horizontal = timeline.logo.position.split("-")
    left = mx if horizontal == "left" else W - mx - w
    top = my if vertical == "top" else H - my - h
    return top, left, top + h, left + w


@pytest.mark.parametrize(
    ("position", "opacity"),
    [("top-right", 0.5), ("bottom-left", 1.0), ("top-left", 0.25)],
)
def test_the_logo_sits_in_its_corner_at_its_opacity_on_every_frame(
    tmp_path: Path, logo_png: Path, position: str, opacity: float
) -> None:
    logo = {"path": str(logo_png), "position": position, "opacity": opacity}
    timeline = Timeline.model_validate(base_timeline(tmp_path, logo=logo))
    video = assemble(timeline, tmp_path / "out").video
    top, left, bottom, right = logo_box(timeline)
    want = np.add(np.multiply(LOGO, opacity), np.multiply(BACKGROUND, 1 - opacity))
    for n, frame in frames_at(video, [0, 44, 89]).items():
        inside = frame[top + 3 : bottom - 3, left + 3 : right - 3].reshape(-1, 3)
        assert inside.mean(axis=0) == pytest.approx(want, abs=6), (n, position)
        changed = np.abs(frame.astype(int) - BACKGROUND).max(axis=2) > 12
        rows, cols = np.nonzero(changed)
        # Nothing else is drawn: the changed pixels are the logo's box (edges soft by a pixel).
        assert rows.min() >= top - 2 and rows.max() <= bottom + 1, (n, rows.min(), rows.max())
        assert cols.min() >= left - 2 and cols.max() <= right + 1, (n, cols.min(), cols.max())


def test_a_portrait_logo_stays_clear_of_the_apps_top_bar_and_button_column(
    tmp_path: Path, logo_png: Path
) -> None:
    for position in ("top-left", "top-right", "bottom-left", "bottom-right"):
        logo = {"path": str(logo_png), "position": position}
        top, left, bottom, right = logo_box(
            Timeline.model_validate(base_timeline(tmp_path, logo=logo))
        )
        assert top >= 0.07 * H and bottom <= 0.76 * H, position  # tabs above, captions below
        assert left >= 0.04 * W, position
        # The right-hand buttons start near mid-height: a bottom-right logo keeps clear.
        assert right <= (0.84 if position == "bottom-right" else 0.96) * W, position


CARD_S = 1.5


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb)


WORDS = [WordTiming(text="Hello", start_s=0.1, end_s=0.5)]


@pytest.fixture(scope="module")
def carded(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Timeline, Timeline, AssemblyResult]:
    """(spec, spec with its cards as scenes, result): an intro and an outro around two narrated
    scenes, captions on."""
    root = tmp_path_factory.mktemp("cards")
    voice = speech_like_wav(root / "voice.wav", 0.6, [(0.1, 0.5)], peak=0.5)
    spec = base_timeline(root, caption_style="plain")
    spec["scenes"][1] |= {  # type: ignore[index]
        "narration_path": str(voice),
        "narration_offset_s": 0.2,
        "words": [w.model_dump() for w in WORDS],
    }
    card = {"duration_s": CARD_S, "text": ""}
    intro = card | {"background": hex_colour(INTRO_BG)}
    outro = card | {"background": hex_colour(OUTRO_BG)}
    timeline = Timeline.model_validate(spec | {"intro": intro, "outro": outro})
    result = assemble(timeline, root / "out")
    return timeline, with_cards(timeline, root / "expanded"), result


def test_intro_and_outro_cards_last_their_duration_and_fade_from_and_to_black(
    carded: tuple[Timeline, Timeline, AssemblyResult],
) -> None:
    spec, expanded, result = carded
    overlap = expanded.scenes[0].transition_s
    # Intro, then the story (its last scene longer by the outro's crossfade), then the outro.
    assert expanded.duration_s == pytest.approx(CARD_S - overlap + spec.duration_s + CARD_S)
    frames_total = round(expanded.duration_s * FPS)
    info = stream(ffprobe(result.video), "video")
    assert int(info["nb_frames"]) == frames_total

    intro_end = round((CARD_S - overlap) * FPS)  # the story starts crossfading in here
    outro_start = frames_total - round(CARD_S * FPS)
    sample = [0, 3, 20, intro_end - 1, intro_end + 30, outro_start + 20, frames_total - 1]
    frames = frames_at(result.video, sample)

    def colour(n: int) -> np.ndarray:
        return frames[n][100:540, 40:320].reshape(-1, 3).mean(axis=0)

    assert colour(0).max() < 25, "the intro rises from black"
    assert colour(3).sum() < colour(20).sum(), "and is still rising a tenth of a second in"
    for n in (20, intro_end - 1):
        assert colour(n) == pytest.approx(INTRO_BG, abs=6), n
    assert colour(intro_end + 30) == pytest.approx(BACKGROUND, abs=6)
    assert colour(outro_start + 20) == pytest.approx(OUTRO_BG, abs=6)
    assert colour(frames_total - 1).max() < 40, "the outro sinks to black"


def test_narration_and_captions_start_later_by_the_intro(
    carded: tuple[Timeline, Timeline, AssemblyResult],
) -> None:
    _, expanded, result = carded
    shift = expanded.starts()[1]  # where the story's first scene now starts
    assert shift == pytest.approx(CARD_S - expanded.scenes[0].transition_s)
    # Scene b starts 1.5 s into the story, its voice 0.2 s later, "Hello" 0.1 s after that.
    hello = shift + 1.5 + 0.2 + 0.1
    srt = result.captions_srt.read_text(encoding="utf-8")
    first = srt.splitlines()[1].split(" --> ")[0]
    h, m, s = first.replace(",", ".").split(":")
    assert int(h) * 3600 + int(m) * 60 + float(s) == pytest.approx(hello, abs=0.002)
    audio = band_pass(decode_audio(result.video, RATE), RATE, *VOICE_BAND_HZ)
    unshifted = 1.5 + 0.2 + 0.1  # where the burst would be without the intro
    speech = level_db(audio, RATE, hello + 0.05, hello + 0.35)
    assert speech >= level_db(audio, RATE, unshifted + 0.05, unshifted + 0.35) + 30.0
    # The caption is drawn while the word is heard, in the shifted place.
    word = frames_at(result.video, [round((hello + 0.2) * FPS)])
    drawn = np.abs(next(iter(word.values())).astype(int) - BACKGROUND).max(axis=2) > 40
    assert drawn[320:600].sum() > 300


def test_the_thumbnail_comes_from_the_story_not_the_intro_card(
    carded: tuple[Timeline, Timeline, AssemblyResult],
) -> None:
    _, _, result = carded
    with Image.open(result.thumbnail) as thumb:
        lower = np.asarray(thumb.convert("RGB"))[400:600].reshape(-1, 3).mean(axis=0)
    assert lower == pytest.approx(BACKGROUND, abs=8)
