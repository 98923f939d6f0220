"""The caption styles catalogue: every preset, each with a still of how it looks.

A still is drawn once per preset and aspect (common/media/render/caption_preview.py: the video's
own libass path) and kept in the blob store under a key that hashes the preset's look, so a
preset whose look changes in a release gets a new still, and the picker loads it from a signed
link like any other media (as GET /v1/voices does with its samples). Drawing all eight at 360 px
takes about 0.65 s of CPU on the first listing of an aspect (bench/caption_styles.py); later
listings only sign links.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from common.domain.assets import content_hash
from common.domain.caption_styles import (
    PRESETS,
    CaptionPreset,
    CaptionStyle,
    CaptionStyleEntry,
    CaptionStyleList,
)
from common.domain.errors import MediaError
from common.domain.project import frame_size
from common.ports import BlobStore, Clock
from common.services.projects.media_links import MediaLinks, link_expiry

log = logging.getLogger(__name__)

# Bump when the still changes in a way the preset's fields do not show (background, sample).
PREVIEW_FORMAT = 1
PREVIEW_RESOLUTION = "360p"

# (style, width, height, out, scratch): writes a JPEG still of the style.
PreviewRenderer = Callable[[CaptionStyle, int, int, Path, Path], Path]


def _render_with_libass(
    style: CaptionStyle, width: int, height: int, out: Path, scratch: Path
) -> Path:
    from common.media.render.caption_preview import render_caption_preview  # lazy: ffmpeg, Pillow

    return render_caption_preview(style, width, height, out, scratch)


class CaptionStyleService:
    """Lists the caption style presets with a link to a still of each."""

    def __init__(
        self,
        blobs: BlobStore,
        links: MediaLinks,
        clock: Clock,
        render: PreviewRenderer = _render_with_libass,
    ) -> None:
        self._blobs = blobs
        self._links = links
        self._clock = clock
        self._render = render
        self._drawing = threading.Lock()  # one drawing at a time: two listings draw once

    def list(self, aspect: str) -> CaptionStyleList:
        """Every preset (the built-in three first, "none" last), each with a `preview_url` to a
        still drawn in an `aspect` frame (made the first time it is asked for)."""
        expires = link_expiry(self._clock.now())
        return CaptionStyleList(
            styles=[
                CaptionStyleEntry(
                    **look.model_dump(),
                    preview_url=self._links.link(key, expires) if key else None,
                    preview_aspect=aspect,
                )
                for look in PRESETS.values()
                for key in [self._still(look, aspect)]
            ]
        )

    def _still(self, look: CaptionPreset, aspect: str) -> str | None:
        """The blob key of `look`'s still in an `aspect` frame, drawn and stored if missing;
        None when this host cannot draw it (no ffmpeg, fontconfig or fonts: the picker then
        shows the preset's name and description alone, and the next listing tries again)."""
        width, height = frame_size(aspect, PREVIEW_RESOLUTION)
        digest = content_hash(PREVIEW_FORMAT, look.model_dump(mode="json"), width, height)[:16]
        key = f"caption-styles/{look.id}/{width}x{height}-{digest}.jpg"
        if self._blobs.exists(key):
            return key
        with self._drawing, tempfile.TemporaryDirectory(prefix="caption-style-") as tmp:
            if not self._blobs.exists(key):  # drawn meanwhile by another listing
                try:
                    still = self._render(look.id, width, height, Path(tmp) / "s.jpg", Path(tmp))
                except MediaError as exc:
                    log.warning("cannot draw the %s caption style's still: %s", look.id, exc)
                    return None
                self._blobs.put_file(key, still, "image/jpeg")
        return key
