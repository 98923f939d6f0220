"""Caption style presets through the API: listed with a still of each (drawn once per preset and
aspect by the video's libass path, kept in the media store, served through signed media
links), and a project's `settings.caption_style` checked against them."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from werkzeug.test import Client

from common.domain.caption_styles import PRESETS
from functions.server import create_app
from tests.support.api import ALICE, installed
from tests.support.fakes import RecordingQueue

pytestmark = pytest.mark.slow


@pytest.fixture
def svc(make_services):
    svc = make_services(queue=RecordingQueue())
    with installed(svc):
        yield svc


@pytest.fixture
def client(svc):
    return Client(create_app())  # the local server: the API and its /media links


def still(client: Client, url: str) -> Image.Image:
    answer = client.get(url)
    assert answer.status_code == 200, url
    assert answer.data[:3] == b"\xff\xd8\xff", "not a JPEG"
    return Image.open(io.BytesIO(answer.data)).convert("RGB")


def test_every_preset_is_listed_with_its_look_and_a_still_to_show(client):
    answer = client.get("/v1/caption-styles", headers=ALICE)
    assert answer.status_code == 200, answer.json
    styles = answer.json["styles"]
    ids = [s["id"] for s in styles]
    assert ids[:2] == ["highlight", "plain"] and ids[-1] == "none"
    assert set(ids) == set(PRESETS) and len(ids) >= 8
    for entry in styles:
        assert entry["name"] and entry["description"] and entry["preview_aspect"] == "9:16"
        assert {"weight", "size", "position", "words_per_line", "upper", "spoken"} <= set(entry)
        assert still(client, entry["preview_url"]).size == (360, 640)


def test_a_preset_s_still_shows_its_caption_where_the_preset_puts_it(client):
    styles = {s["id"]: s for s in client.get("/v1/caption-styles", headers=ALICE).json["styles"]}

    def caption_rows(style: str) -> np.ndarray:
        """Rows where the still differs from the uncaptioned one ("none")."""
        frame = np.asarray(still(client, styles[style]["preview_url"]), dtype=np.int16)
        blank = np.asarray(still(client, styles["none"]["preview_url"]), dtype=np.int16)
        return np.nonzero((np.abs(frame - blank).max(axis=2) > 40).any(axis=1))[0]

    middle, bottom = caption_rows("bold-pop"), caption_rows("highlight")
    assert 0.4 * 640 < middle.mean() < 0.6 * 640
    assert 0.75 * 640 < bottom.mean() < 0.88 * 640
    assert caption_rows("lower-third").mean() < bottom.min()


def test_a_still_is_drawn_once_per_preset_and_aspect_and_kept(svc, client):
    first = client.get("/v1/caption-styles", headers=ALICE).json["styles"]
    keys = sorted(svc.blobs.list("caption-styles/"))
    assert len(keys) == len(PRESETS)
    svc.blobs.put(keys[0], b"\xff\xd8\xff kept", "image/jpeg")  # listing again must not redraw
    again = client.get("/v1/caption-styles", headers=ALICE).json["styles"]
    assert sorted(svc.blobs.list("caption-styles/")) == keys
    kept = [client.get(s["preview_url"]).data for s in again]
    assert b"\xff\xd8\xff kept" in kept
    assert [s["preview_url"] for s in first] == [s["preview_url"] for s in again]


def test_stills_are_drawn_in_the_aspect_asked_for(client):
    styles = client.get("/v1/caption-styles?aspect=16:9", headers=ALICE).json["styles"]
    assert {s["preview_aspect"] for s in styles} == {"16:9"}
    assert still(client, styles[0]["preview_url"]).size == (640, 360)


def test_an_unknown_aspect_is_a_400_naming_it(client):
    answer = client.get("/v1/caption-styles?aspect=4:5", headers=ALICE)
    assert answer.status_code == 400
    assert "aspect" in answer.json["error"]["fields"]


def test_an_unknown_caption_style_is_a_400_naming_the_field_at_create_and_edit(client):
    body = {"prompt": "A fox", "settings": {"caption_style": "comic-sans"}}
    answer = client.post("/v1/projects", json=body, headers=ALICE)
    assert answer.status_code == 400
    assert "settings.caption_style" in answer.json["error"]["fields"]
    body["settings"]["caption_style"] = "karaoke"
    created = client.post("/v1/projects", json=body, headers=ALICE)
    assert created.status_code == 201, created.json
    assert created.json["settings"]["caption_style"] == "karaoke"
    url = f"/v1/projects/{created.json['id']}"
    answer = client.patch(url, json={"settings": {"caption_style": "wobbly"}}, headers=ALICE)
    assert answer.status_code == 400
    assert "settings.caption_style" in answer.json["error"]["fields"]
    answer = client.patch(url, json={"settings": {"caption_style": "boxed"}}, headers=ALICE)
    assert answer.status_code == 200 and answer.json["settings"]["caption_style"] == "boxed"


def test_a_host_that_cannot_draw_stills_lists_every_style_without_one_and_tries_again(svc):
    from common.domain.errors import MediaError
    from common.services.projects.caption_styles import CaptionStyleService

    tries: list[str] = []

    def no_fonts(style, width, height, out, scratch):  # type: ignore[no-untyped-def]
        tries.append(style)
        raise MediaError("no installed font covers these characters: 'E'")

    service = CaptionStyleService(svc.blobs, svc.media_links, svc.clock, render=no_fonts)
    listed = service.list("9:16").styles
    assert [s.id for s in listed] == list(PRESETS)
    assert all(s.preview_url is None for s in listed)
    assert svc.blobs.list("caption-styles/") == []
    service.list("9:16")
    assert len(tries) == 2 * len(PRESETS)  # nothing was kept: the next listing draws again
