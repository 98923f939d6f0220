"""ElevenLabs audio as stored: MP3 durations read from frame headers agree with an independent
ffprobe; PCM becomes a WAV of the exact length; bad audio is a clear ProviderError."""

from __future__ import annotations

import base64
import wave
from pathlib import Path

import pytest

from common.adapters.elevenlabs.audio import decode_audio, mp3_duration
from common.domain.errors import ProviderError
from common.media.render.ffmpeg import run_ffmpeg
from tests.stubs.elevenlabs_server import make_audio
from tests.support.probe import ffprobe

pytestmark = pytest.mark.slow


def _encode(tmp_path: Path, duration_s: float, *args: str) -> Path:
    out = tmp_path / "tone.mp3"
    source = ["-f", "lavfi", "-i", f"sine=frequency=300:duration={duration_s}"]
    run_ffmpeg([*source, *args, "-c:a", "libmp3lame", str(out)])
    return out


@pytest.mark.parametrize(
    "args",
    [
        ("-ar", "44100", "-b:a", "128k"),  # MPEG-1, Xing/Info header with LAME delay
        ("-ar", "22050", "-b:a", "32k"),  # MPEG-2
        ("-ar", "24000", "-ac", "2", "-b:a", "48k"),  # MPEG-2 stereo
        ("-ar", "44100", "-b:a", "96k", "-write_xing", "0"),  # no Xing header
        ("-ar", "44100", "-b:a", "64k", "-id3v2_version", "0", "-write_id3v1", "1"),
    ],
)
def test_mp3_duration_matches_ffprobe(tmp_path, args):
    for duration in (0.37, 2.9):
        path = _encode(tmp_path, duration, *args)
        expected = float(ffprobe(path)["format"]["duration"])
        assert mp3_duration(path.read_bytes()) == pytest.approx(expected, abs=0.002)


def test_mp3_as_elevenlabs_streams_it_is_kept_as_is_with_its_duration():
    data = make_audio(1.5, "mp3_44100_128")
    audio = decode_audio(base64.b64encode(data).decode(), "mp3_44100_128")
    assert audio.mime == "audio/mpeg"
    assert audio.data == data  # not re-encoded
    # A stream without a Xing header plays its encoder delay too: a little over 1.5 s.
    assert 1.5 <= audio.duration_s <= 1.5 + 0.08


def test_pcm_becomes_a_wav_of_exactly_its_samples(tmp_path):
    pcm = make_audio(0.75, "pcm_22050")
    audio = decode_audio(base64.b64encode(pcm).decode(), "pcm_22050")
    assert audio.mime == "audio/wav"
    assert audio.duration_s == pytest.approx(0.75, abs=1e-4)
    path = tmp_path / "voice.wav"
    path.write_bytes(audio.data)
    with wave.open(str(path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (22050, 1, 2)
        assert wav.getnframes() == len(pcm) // 2
    assert float(ffprobe(path)["format"]["duration"]) == pytest.approx(0.75, abs=1e-3)


@pytest.mark.parametrize(
    ("payload", "fmt", "message"),
    [
        ("not base64 at all!", "mp3_44100_128", "not valid base64"),
        ("", "mp3_44100_128", "no audio"),
        (base64.b64encode(b"<html>oops</html>" * 10).decode(), "mp3_44100_128", "not an MP3"),
        (base64.b64encode(b"\x00\x01\x02").decode(), "pcm_16000", "odd length"),
    ],
)
def test_unusable_audio_is_a_bad_response(payload, fmt, message):
    with pytest.raises(ProviderError, match=message) as caught:
        decode_audio(payload, fmt)
    assert caught.value.code == "bad_response"
    assert caught.value.provider == "elevenlabs"
