"""The caption style presets a project's `settings.caption_style` names, each with a still."""

from __future__ import annotations

from common.domain.caption_styles import CaptionStyleList, CaptionStyleQuery
from functions.http import Response, json_response
from functions.routing import Call, dump, route


@route(
    "GET", "/v1/caption-styles", query=CaptionStyleQuery, response=CaptionStyleList, errors=(400,)
)
def list_caption_styles(call: Call[None, CaptionStyleQuery]) -> Response:
    """Every caption style preset: its look (weight, size relative to the frame's height,
    colours, outline or box, position, words per line, upper case, how the spoken word is
    shown) and `preview_url`, a JPEG still of it over a neutral frame of `aspect` (9:16 unless
    asked), drawn once by the same libass path as the video. `settings.caption_style` takes a
    preset's `id`; "highlight", "plain" and "none" are the styles projects had before."""
    return json_response(dump(call.svc.caption_styles.list(call.query.aspect)))
