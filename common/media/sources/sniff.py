"""What a file is, from its first bytes (magic numbers), whatever its name or declared type says.

Pure functions, no I/O: the caller passes the head of the file (HEAD_BYTES is enough). Containers
that hold either picture or sound (MP4/MOV, WebM, Ogg) are told apart later by probing their
streams (common/media/sources/probe.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

HEAD_BYTES = 64

Container = Literal["png", "jpeg", "webp", "mp4", "mov", "webm", "mp3", "wav", "ogg"]


@dataclass(frozen=True)
class Sniffed:
    """A recognised format: its container and the MIME type it is stored with."""

    container: Container
    mime: str
    # What it can be: "image" for stills, "media" for containers of video and/or audio.
    family: Literal["image", "media"]


# QuickTime files written before the ftyp box existed open with one of these atoms.
_QT_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


def sniff(head: bytes) -> Sniffed | None:
    """The format of a file starting with `head`, or None when it is none we accept."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("png", "image/png", "image")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("jpeg", "image/jpeg", "image")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("webp", "image/webp", "image")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed("wav", "audio/wav", "media")
    if head.startswith(b"OggS"):
        return Sniffed("ogg", "audio/ogg", "media")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # EBML: WebM names its doctype near the start; other Matroska files are not accepted.
        return Sniffed("webm", "video/webm", "media") if b"webm" in head else None
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return Sniffed("mov", "video/quicktime", "media")
        return Sniffed("mp4", "video/mp4", "media")
    if head[4:8] in _QT_ATOMS:
        return Sniffed("mov", "video/quicktime", "media")
    if head.startswith(b"ID3") or _mpeg_audio_sync(head):
        return Sniffed("mp3", "audio/mpeg", "media")
    return None


def _mpeg_audio_sync(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, layer III, a valid bitrate and sample rate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    rate = (head[2] >> 2) & 0b11
    return layer == 0b01 and bitrate not in (0, 15) and rate != 3
