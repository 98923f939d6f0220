"""espeak-ng word timings against the sound itself: words are heard inside their spans, and the
pauses between sentences are silent, so captions follow the voice to within a window or two.
"""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from common.adapters.offline.voice import EspeakNarrator
from common.domain.assets import Narration, NarrationRequest

STORY = (
    "The lighthouse keeper climbed the stairs. Far below, the waves crashed on the rocks. "
    "She lit the lamp, and the ships turned home."
)


@pytest.fixture(scope="module")
def story() -> Narration:
    return EspeakNarrator().narrate(NarrationRequest(text=STORY))


def samples(narration: Narration) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(narration.audio)) as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2"), wav.getframerate()


def rms(pcm: np.ndarray, rate: int, start_s: float, end_s: float) -> float:
    part = pcm[int(start_s * rate) : int(end_s * rate)].astype(np.float64)
    return float(np.sqrt(np.mean(part**2))) if part.size else 0.0


def test_every_word_span_holds_voice(story):
    pcm, rate = samples(story)

    quiet = [w.text for w in story.words if rms(pcm, rate, w.start_s, w.end_s) < 500]

    assert quiet == []


def test_each_word_is_heard_soon_after_it_starts(story):
    pcm, rate = samples(story)

    # 80 ms leaves room for the closure of a stop consonant ("climbed", "crashed").
    late = [w.text for w in story.words if rms(pcm, rate, w.start_s, w.start_s + 0.08) < 300]

    assert late == []


def test_sentence_pauses_are_silent_and_sentence_ends_are_heard(story):
    pcm, rate = samples(story)
    pairs = list(zip(story.words, story.words[1:], strict=False))
    sentence_ends = [(a, b) for a, b in pairs if a.text.endswith((".", ","))]

    assert len(sentence_ends) == 4
    for last, following in sentence_ends:
        assert following.start_s - last.end_s > 0.1, last.text
        assert rms(pcm, rate, last.end_s + 0.01, following.start_s - 0.01) < 50, last.text
        # The voice is still there just before the end: the end is not cut early.
        assert rms(pcm, rate, last.end_s - 0.15, last.end_s) > 300, last.text


def test_the_last_word_ends_where_the_voice_stops(story):
    pcm, rate = samples(story)
    last = story.words[-1]

    assert rms(pcm, rate, last.end_s - 0.05, last.end_s) > 100
    assert rms(pcm, rate, last.end_s + 0.01, story.duration_s) < 50
    assert story.duration_s - last.end_s == pytest.approx(0.15, abs=0.02)


@pytest.mark.slow
def test_ffmpeg_decodes_the_wav_to_the_same_samples(story, tmp_path: Path):
    path = tmp_path / "narration.wav"
    path.write_bytes(story.audio)
    pcm, rate = samples(story)

    decoded = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-"],
        capture_output=True,
        check=True,
    ).stdout

    assert np.array_equal(np.frombuffer(decoded, dtype="<i2"), pcm)
    assert len(pcm) / rate == pytest.approx(story.duration_s)
