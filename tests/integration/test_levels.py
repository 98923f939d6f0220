"""Loudness measured the way the mix hears it: every file as stereo, one ffmpeg run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from common.domain.errors import MediaError
from common.media.render.levels import measure_levels
from tests.support.media_checks import write_pcm_wav

pytestmark = pytest.mark.slow

RATE = 48_000


def sine(path: Path, amplitude: float, seconds: float = 3.0) -> Path:
    t = np.arange(round(seconds * RATE)) / RATE
    return write_pcm_wav(path, amplitude * np.sin(2 * np.pi * 997.0 * t), RATE)


def test_each_file_gets_its_own_integrated_loudness(tmp_path: Path) -> None:
    quiet, loud = sine(tmp_path / "quiet.wav", 0.05), sine(tmp_path / "loud.wav", 0.5)
    silent = write_pcm_wav(tmp_path / "silent.wav", np.zeros(RATE), RATE)
    levels = measure_levels([quiet, loud, silent, loud], music=loud)
    assert list(levels) == [quiet, loud, silent]
    # A full-scale 997 Hz sine in one channel reads -3.01 LUFS. The mix spreads a mono file
    # over both channels at -3 dB each (as the measurement does), which reads the same: so
    # amplitude a reads 20 log10(a) - 3.
    assert levels[loud] == pytest.approx(-9.0, abs=0.3)
    assert levels[quiet] == pytest.approx(-29.0, abs=0.3)
    assert levels[silent] <= -70.0


def test_a_file_ffmpeg_cannot_read_is_a_media_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio at all")
    with pytest.raises(MediaError):
        measure_levels([bad])
