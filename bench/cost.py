"""Cost benchmark: Veo seconds billed against the video's length, a 30 s all-AI video's price,
and budgets honoured (issue 18 item 3).

1. veo_billed_vs_video_30s: 30 s stories from the offline writer (eight prompts, espeak-ng's
   speaking rates), every scene narrated by espeak-ng for real; the video's length is what the
   narration step stores and assembly renders (common/domain/pacing.py `scene_length`, overlaps
   counted once), the Veo seconds billed are the scenes' clip seconds. The worst of the eight is
   reported (goal <= 1.05), with the mean.
2. cost_30s_all_ai_usd: the whole job's list price (Gemini script, two-or-more reference
   pictures, a Gemini picture per scene, ElevenLabs narration, a Veo 3.1 Fast clip for every
   scene) of the same prompts' 30 s stories written for the ElevenLabs narrator's rates, priced
   by the providers' own registrations (common/domain/model_catalogue.py); the dearest of the
   eight (goal <= $4.80), with the mean. Before this work the same stories cost $5.74 typical.
3. budget_worst_vs_asked: budgets from $1 to $5 in 25-cent steps on each story: the job's
   estimate (script included) over the budget, the worst case (goal <= 1.02; actual charges are
   at most the estimate: refused clips and cached assets are not charged).

Keys merged into bench/results.json (other keys kept): veo_billed_vs_video_30s,
veo_billed_vs_video_30s_mean, cost_30s_all_ai_usd, cost_30s_all_ai_usd_mean,
budget_worst_vs_asked, cost_measured_at.

    python bench/cost.py
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import measured_at, merge  # noqa: E402
from common.adapters.offline.voice.narrator import EspeakNarrator  # noqa: E402
from common.adapters.offline.writer import OfflineScriptWriter  # noqa: E402
from common.adapters.registry import default_registry  # noqa: E402
from common.config import Settings  # noqa: E402
from common.domain.assets import NarrationRequest, ScriptRequest  # noqa: E402
from common.domain.pacing import ELEVENLABS_RATES, ESPEAK_RATES, video_length  # noqa: E402
from common.domain.project import ProjectSettings  # noqa: E402
from common.domain.providers import ProviderChoice  # noqa: E402
from common.domain.story import Story  # noqa: E402
from common.services.accounts.estimates import estimate_job  # noqa: E402

SECONDS = 30
PROMPTS = [
    "A lighthouse keeper befriends a lonely whale",
    "a kitten learns to fly",
    "a robot searches for a lost star",
    "a girl and her dog explore the forest",
    "a brave knight saves the village from a dragon",
    "an old fox who is afraid of the dark",
    "a lonely robot wants a friend",
    "a baker wakes before dawn to bake for the whole town",
]
GOALS = {
    "veo_billed_vs_video_30s": 1.05,
    "cost_30s_all_ai_usd": 4.80,
    "budget_worst_vs_asked": 1.02,
}


def rendered_length(story: Story, narrator: EspeakNarrator) -> float:
    """The video's length with every scene narrated for real: each scene's own time (lead-in,
    the voice, tail, in whole frames) as the narration step stores it, the transitions
    overlapping the next scene (common/domain/pacing.py `video_length`)."""
    spoken = [
        narrator.narrate(NarrationRequest(text=s.narration, language=story.language)).duration_s
        for s in story.scenes
    ]
    return video_length(spoken)


def billed_vs_video() -> tuple[float, float]:
    writer = OfflineScriptWriter(rates=ESPEAK_RATES)
    narrator = EspeakNarrator()
    ratios = []
    for prompt in PROMPTS:
        story = writer.write(ScriptRequest(prompt=prompt, duration_s=SECONDS))
        billed = sum(s.clip_seconds for s in story.scenes)
        ratios.append(billed / rendered_length(story, narrator))
    return max(ratios), statistics.mean(ratios)


def cloud_choice() -> ProviderChoice:
    """Gemini, Veo 3.1 Fast and ElevenLabs as a deployment would choose them (their prices)."""
    settings = Settings(
        script="gemini", images="gemini", video="veo", voice="elevenlabs",
        google_cloud_project="bench", elevenlabs_api_key="bench",
    )  # fmt: skip
    return default_registry().choice(settings)


def all_ai_cost_and_budgets() -> tuple[float, float, float]:
    choice = cloud_choice()
    writer = OfflineScriptWriter(rates=ELEVENLABS_RATES)
    script = choice.script.price.cost(1)
    costs, worst = [], 0.0
    for prompt in PROMPTS:
        story = writer.write(ScriptRequest(prompt=prompt, duration_s=SECONDS))
        assert all(s.clip_source == "ai" for s in story.scenes)
        costs.append(script + estimate_job(ProjectSettings(), story, choice).usd)
        for cents in range(100, 501, 25):
            budget = cents / 100
            usd = script + estimate_job(ProjectSettings(budget_usd=budget), story, choice).usd
            worst = max(worst, usd / budget)
    return max(costs), statistics.mean(costs), worst


def main() -> int:
    worst_ratio, mean_ratio = billed_vs_video()
    dearest, mean_cost, budget_worst = all_ai_cost_and_budgets()
    results = {
        "veo_billed_vs_video_30s": round(worst_ratio, 4),
        "veo_billed_vs_video_30s_mean": round(mean_ratio, 4),
        "cost_30s_all_ai_usd": round(dearest, 4),
        "cost_30s_all_ai_usd_mean": round(mean_cost, 4),
        "budget_worst_vs_asked": round(budget_worst, 4),
        "cost_measured_at": measured_at(),
    }
    for key, goal in GOALS.items():
        mark = "ok" if results[key] <= goal else "MISSED"
        print(f"{key:28} {results[key]:>8} (goal <= {goal}) {mark}")
    print(f"{'  mean billed/video':28} {results['veo_billed_vs_video_30s_mean']:>8}")
    print(f"{'  mean 30 s all-AI cost':28} {results['cost_30s_all_ai_usd_mean']:>8}")
    merge(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
