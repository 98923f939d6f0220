"""The offline narrator speaks as fast as pacing says it does: a story written for 30 s, narrated
by espeak-ng, makes a video within a tenth of the length that was planned, estimated and counted
against the day (the calibrated rates in common/domain/pacing.py)."""

from __future__ import annotations

import pytest

from common.adapters.offline.voice import EspeakNarrator
from common.adapters.offline.writer import OfflineScriptWriter
from common.domain.assets import NarrationRequest, ScriptRequest
from common.domain.pacing import ESPEAK_RATES, planned_length, video_length


@pytest.mark.parametrize(
    "prompt",
    [
        "a lighthouse keeper befriends a lonely whale",
        "一只小猫学会了飞翔",
        "قطة صغيرة تتعلم الطيران",
    ],
)
def test_a_narrated_offline_story_lasts_what_was_planned(prompt):
    story = OfflineScriptWriter(rates=ESPEAK_RATES).write(
        ScriptRequest(prompt=prompt, duration_s=30)
    )
    narrator = EspeakNarrator()
    spoken = [
        narrator.narrate(NarrationRequest(text=s.narration, language=story.language)).duration_s
        for s in story.scenes
    ]
    planned = planned_length([s.narration for s in story.scenes], story.language, ESPEAK_RATES)
    assert video_length(spoken) == pytest.approx(planned, rel=0.10)
    assert planned == pytest.approx(30, rel=0.15)
