"""The soundtrack lasts the video whatever order its inputs' frames reach the filter graph in.

ffmpeg feeds a filter graph from one thread per input, so which narration frame, end of stream
or request for sound comes first is up to the scheduler. The soundtrack's graph (the one the
one-pass render shares) is driven here through libavfilter in many seeded random orders
(tests/support/arrival_orders.py): every order must give exactly the video's sample count.
The graph before issue 16's fix gave 0.1 s, 1.7 s or 2.5 s of a 4.1 s video in about half of
them; ffmpeg under load gave 1.7 s.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from common.media.graph.command import FfmpegCommand
from common.media.graph.segments import audio_command
from common.media.graph.sound import SAMPLE_RATE
from common.media.spec.frames import total_frames
from common.media.spec.timeline import Timeline
from tests.integration.conftest import GeneratedMedia
from tests.integration.test_assemble import story_timeline
from tests.support.arrival_orders import lengths_over_orders

# The graph before the fix failed about half of all orders: 24 find it with certainty.
ORDERS = 24


def loudness_passed_through(cmd: FfmpegCommand) -> FfmpegCommand:
    """`cmd` with its loudness normalisation passing the sound through unchanged.

    loudnorm was 0.40 of the 0.41 CPU-s each order took here, and it has one input and one
    output: what reaches it decides what leaves it, whatever order the mix's inputs came in.
    The orders vary where they can matter; one drives the whole graph."""
    filters = [re.sub(r"loudnorm=[^,;\[]*", "anull", chain) for chain in cmd.filters]
    assert filters != cmd.filters, "the soundtrack is no longer loudness-normalised"
    return replace(cmd, filters=filters)


def soundtrack_lengths(timeline: Timeline, tmp_path: Path) -> tuple[set[int], int]:
    total_s = total_frames(timeline) / timeline.fps
    cmd = audio_command(timeline, tmp_path / "audio.m4a")
    found = lengths_over_orders(cmd, "aout", total_s, 1)
    found |= lengths_over_orders(loudness_passed_through(cmd), "aout", total_s, ORDERS)
    return found, round(total_s * SAMPLE_RATE)


@pytest.mark.slow
def test_narration_and_music_give_the_videos_length_in_every_arrival_order(
    media: GeneratedMedia, tmp_path: Path
) -> None:
    found, wanted = soundtrack_lengths(story_timeline(media), tmp_path)
    assert found == {wanted}


@pytest.mark.slow
@pytest.mark.parametrize("music", [True, False])
def test_narration_alone_or_no_narration_give_the_videos_length_in_every_order(
    media: GeneratedMedia, tmp_path: Path, music: bool
) -> None:
    story = story_timeline(media)
    if music:  # music under silent scenes: the music is the whole track
        scenes = [s.model_copy(update={"narration_path": None}) for s in story.scenes]
        timeline = story.model_copy(update={"scenes": scenes})
    else:  # narration without music: the voice bed is the whole track
        timeline = story.model_copy(update={"music_path": None})
    found, wanted = soundtrack_lengths(timeline, tmp_path)
    assert found == {wanted}
