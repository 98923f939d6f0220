"""ElevenLabs audio as the pipeline stores it: MP3 kept as it comes, raw PCM wrapped as WAV.

The assembly graph feeds every narration file straight to ffmpeg, which reads MP3 as well as
WAV, so MP3 is not decoded or re-encoded here: only its duration is needed, and that is read
from the MPEG frame headers (frames x samples per frame, less the encoder delay and padding a
LAME/Info header declares), without running ffmpeg.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from common.adapters.elevenlabs.errors import bad_response
from common.domain.errors import ProviderError
from common.media.sources.wav import mono16_wav

# MPEG audio header tables (ISO 11172-3 / 13818-3), Layer III. Index by version: 3 = MPEG-1,
# 2 = MPEG-2, 0 = MPEG-2.5 (1 is reserved).
_BITRATES_KBPS = {
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_LAYER_III = 1


@dataclass(frozen=True)
class Audio:
    """A complete audio file, its MIME type and its duration in seconds."""

    data: bytes
    mime: str
    duration_s: float


def decode_audio(audio_base64: str, output_format: str) -> Audio:
    """The response's audio as a file the pipeline stores: MP3 as is, PCM wrapped in WAV.

    `output_format` is what was asked for ("mp3_44100_128", "pcm_22050"). Raises ProviderError
    (code bad_response) for audio that is empty, not base64, or not what was asked for.
    """
    try:
        data = base64.b64decode(audio_base64, validate=True)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise _bad("audio_base64 is not valid base64") from exc
    if not data:
        raise _bad("the response holds no audio")
    codec, _, rest = output_format.partition("_")
    if codec == "mp3":
        return Audio(data=data, mime="audio/mpeg", duration_s=mp3_duration(data))
    if codec == "pcm":
        rate = int(rest.split("_")[0])
        if len(data) % 2:
            raise _bad(f"PCM audio of odd length {len(data)} (16-bit samples expected)")
        return Audio(data=mono16_wav(data, rate), mime="audio/wav", duration_s=len(data) / 2 / rate)
    raise ValueError(f"unsupported output format {output_format!r}")


def mp3_duration(data: bytes) -> float:
    """Playing time of an MPEG Layer III stream in seconds, from its frame headers.

    Skips an ID3v2 tag; a Xing/Info frame (no audio) is not counted and its LAME encoder delay
    and padding are subtracted, as decoders do. Bytes between frames that do not parse are
    skipped up to the next frame sync. Raises ProviderError when no frame is found.
    """
    pos = _skip_id3v2(data)
    frames = 0
    samples_per_frame = 0
    rate = 0
    trim = 0
    first = True
    while pos + 4 <= len(data):
        header = _frame_header(data, pos)
        if header is None:
            if data[pos : pos + 3] == b"TAG":  # ID3v1 at the end
                break
            pos += 1
            continue
        length, spf, sr, info_at = header
        if pos + length > len(data) and frames:
            break  # a truncated last frame
        if first:
            first = False
            tag = data[pos + info_at : pos + info_at + 4]
            if tag in (b"Xing", b"Info"):
                trim = _lame_trim(data, pos + info_at, pos + length)
                pos += length
                continue
        frames += 1
        samples_per_frame, rate = spf, sr
        pos += length
    if frames == 0:
        raise _bad("the audio is not an MP3 stream (no MPEG frame found)")
    samples = max(frames * samples_per_frame - trim, 0)
    return samples / rate


def _skip_id3v2(data: bytes) -> int:
    if len(data) < 10 or data[:3] != b"ID3":
        return 0
    size = 0
    for byte in data[6:10]:
        size = (size << 7) | (byte & 0x7F)
    footer = 10 if data[5] & 0x10 else 0
    return 10 + size + footer


def _frame_header(data: bytes, pos: int) -> tuple[int, int, int, int] | None:
    """(frame length, samples per frame, sample rate, offset of a Xing tag) of a Layer III
    frame starting at `pos`, or None when no valid header is there."""
    b0, b1, b2, b3 = data[pos : pos + 4]
    if b0 != 0xFF or (b1 & 0xE0) != 0xE0:
        return None
    version = (b1 >> 3) & 0x03
    layer = (b1 >> 1) & 0x03
    bitrate_index = (b2 >> 4) & 0x0F
    rate_index = (b2 >> 2) & 0x03
    if version == 1 or layer != _LAYER_III or bitrate_index in (0, 15) or rate_index == 3:
        return None  # reserved values, another layer, or free format
    padding = (b2 >> 1) & 0x01
    mono = (b3 >> 6) & 0x03 == 3
    bitrate = _BITRATES_KBPS[3 if version == 3 else 2][bitrate_index] * 1000
    rate = _SAMPLE_RATES[version][rate_index]
    if version == 3:
        length = 144 * bitrate // rate + padding
        spf = 1152
        side_info = 17 if mono else 32
    else:
        length = 72 * bitrate // rate + padding
        spf = 576
        side_info = 9 if mono else 17
    return length, spf, rate, 4 + side_info


def _lame_trim(data: bytes, xing: int, end: int) -> int:
    """Encoder delay + padding in samples from the LAME tag after a Xing/Info header, or 0."""
    flags = int.from_bytes(data[xing + 4 : xing + 8], "big")
    at = xing + 8
    at += 4 if flags & 0x1 else 0  # frame count
    at += 4 if flags & 0x2 else 0  # byte count
    at += 100 if flags & 0x4 else 0  # seek table
    at += 4 if flags & 0x8 else 0  # quality
    # The LAME extension: 9 bytes of encoder version, then 12 bytes, then delay and padding
    # as two 12-bit numbers.
    if at + 24 > end or data[at : at + 4] not in (b"LAME", b"Lavf", b"Lavc"):
        return 0
    packed = int.from_bytes(data[at + 21 : at + 24], "big")
    delay, padding = packed >> 12, packed & 0xFFF
    return delay + padding


def _bad(message: str) -> ProviderError:
    return bad_response(f"ElevenLabs returned unusable audio: {message}")
