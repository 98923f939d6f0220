"""Reading each stream's own end from ffmpeg's framecrc listing (common.media.sources.probe)."""

from __future__ import annotations

from common.media.render.lengths import parse_framecrc

LISTING = """#software: Lavf63.1.102
#tb 0: 1/15360
#media_type 0: video
#codec_id 0: h264
#dimensions 0: 360x640
#tb 1: 1/48000
#media_type 1: audio
#codec_id 1: pcm_s16le
0,      -1024,          0,      512,    36611, 0x1a2b3c4d
1,          0,          0,     1024,     4096, 0x00000000
0,       -512,       1536,      512,     5870, 0x1a2b3c4e
0,          0,        512,      512,     1233, 0x1a2b3c4f
0,        512,       1024,      512,     1233, 0x1a2b3c50
1,       1024,       1024,      576,     2304, 0x00000000
"""


def test_each_stream_ends_at_its_latest_presentation_plus_duration() -> None:
    found = parse_framecrc(LISTING)
    # B-frames arrive out of order: the video ends with the frame shown last, not read last.
    assert found.video_s == (1536 + 512) / 15360
    assert found.audio_s == (1024 + 576) / 48000
    assert found.frames == 4


def test_a_missing_stream_has_no_length() -> None:
    video_only = "\n".join(
        line
        for line in LISTING.splitlines()
        if not line.startswith(("1,", "#tb 1", "#media_type 1"))
    )
    found = parse_framecrc(video_only)
    assert found.audio_s is None and found.video_s is not None
