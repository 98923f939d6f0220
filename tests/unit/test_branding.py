"""A project's brand kit as Timeline fields, and the brand kit's validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from common.domain.brand import BrandKit
from common.domain.project import ProjectSettings
from common.domain.story import Scene, Story, StyleBible
from common.services.projects.branding import brand_fields

UPLOAD = "u" + "0123456789abcdef01234567"


def story(palette: list[str]) -> Story:
    return Story(
        title="The Keeper",
        style=StyleBible(visual_style="ink", palette=palette),
        scenes=[Scene(id="s01", beat="hook", narration="Night falls.", visual_prompt="a tower")],
    )


def test_an_empty_kit_adds_nothing() -> None:
    assert brand_fields(BrandKit(), story(["#112233", "#445566", "#778899"]), None) == {}
    assert ProjectSettings().brand == BrandKit()


def test_the_logo_keeps_its_corner_opacity_and_size() -> None:
    kit = BrandKit.model_validate(
        {"logo": {"upload": UPLOAD, "position": "bottom-left", "opacity": 0.4, "size": 0.2}}
    )
    logo = brand_fields(kit, story(["#112233", "#445566", "#778899"]), Path("logo.png"))["logo"]
    assert (logo.path, logo.position, logo.opacity, logo.size) == (
        Path("logo.png"), "bottom-left", 0.4, 0.2,
    )  # fmt: skip


def test_cards_take_the_darkest_palette_colour_and_a_title_that_reads_on_it() -> None:
    kit = BrandKit.model_validate({"intro": {}, "outro": {"text": "Follow for more"}})
    fields = brand_fields(kit, story(["#f0e0d0", "#203040", "#8899aa"]), None)
    intro, outro = fields["intro"], fields["outro"]
    assert (intro.text, intro.background, intro.colour) == ("The Keeper", "#203040", "#ffffff")
    assert (outro.text, outro.duration_s) == ("Follow for more", 1.5)


def test_a_light_card_colour_gets_dark_type() -> None:
    kit = BrandKit.model_validate({"intro": {"background": "#f5f0e0", "text": "Hi"}})
    intro = brand_fields(kit, story(["#112233", "#445566", "#778899"]), None)["intro"]
    assert (intro.background, intro.colour) == ("#f5f0e0", "#111111")


@pytest.mark.parametrize(
    ("kit", "field"),
    [
        ({"logo": {"upload": "uploads/other/logo.png"}}, "upload"),
        ({"logo": {"upload": UPLOAD, "position": "middle"}}, "position"),
        ({"logo": {"upload": UPLOAD, "opacity": 1.5}}, "opacity"),
        ({"intro": {"background": "red"}}, "background"),
        ({"outro": {"duration_s": 30}}, "duration_s"),
    ],
)
def test_a_bad_brand_kit_names_the_field(kit: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ProjectSettings.model_validate({"brand": kit})
    assert field in str(caught.value)
