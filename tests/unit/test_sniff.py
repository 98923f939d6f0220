"""What a file is, from its first bytes (common/media/sources/sniff.py)."""

from __future__ import annotations

import pytest

from common.media.sources.sniff import sniff


@pytest.mark.parametrize(
    ("head", "container", "family"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png", "image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "jpeg", "image"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "webp", "image"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "wav", "media"),
        (b"OggS\x00\x02\x00\x00", "ogg", "media"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "webm", "media"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "mp4", "media"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00", "mp4", "media"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00", "mov", "media"),
        (b"\x00\x00\x00\x08wide\x00\x00\x00\x00mdat", "mov", "media"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "mp3", "media"),
        (b"\xff\xfb\x90\x64\x00\x00", "mp3", "media"),
    ],
)
def test_known_formats_are_recognised_by_their_magic_bytes(head, container, family):
    found = sniff(head)
    assert found is not None and (found.container, found.family) == (container, family)


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"hello, this is text pretending to be a picture",
        b"GIF89a\x01\x00\x01\x00",
        b"%PDF-1.7\n",
        b"RIFF\x24\x00\x00\x00AVI LIST",  # RIFF, but neither WebP nor WAVE
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska",  # Matroska, not WebM
        b"\xff\xd9\x00\x00",  # an MPEG-audio-looking byte pair that is not a frame header
        b"\xff\xff\xff\xff",  # sync bits with a reserved bitrate
        b"MZ\x90\x00\x03\x00\x00\x00",
    ],
)
def test_anything_else_is_not_recognised(head):
    assert sniff(head) is None
