"""Adding a provider is its module plus one registration: a video provider defined here, in the
test suite, is registered, chosen by configuration alone, built by bootstrap and priced and
counted by its own descriptor through a whole job."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

from common.adapters.registry import BuildContext, ProviderRegistration, default_registry
from common.domain.assets import ClipOperation, ClipRequest, ClipResult, Motion
from common.domain.providers import PriceModel
from tests.support.jobs import DRAFT, OWNER, run_job

PER_SECOND = 0.05


@dataclass
class FlipbookVideo:
    """A video provider that 'animates' a keyframe as a slow zoom, done at once."""

    id: str = "flipbook/1"
    seconds: list[int] = field(default_factory=list)
    _names: itertools.count[int] = field(default_factory=itertools.count)

    def start(self, request: ClipRequest) -> ClipOperation:
        self.seconds.append(request.duration_s)
        motion = Motion(start=(0.5, 0.5, 1.0), end=(0.5, 0.45, 1.2))
        result = ClipResult(source="flipbook", kind="motion", motion=motion)
        return ClipOperation(name=f"flip-{next(self._names)}", done=True, result=result)

    def poll(self, operation_name: str) -> ClipOperation:
        raise AssertionError("a flipbook is done when it starts")


@pytest.fixture
def flipbook():
    built: list[FlipbookVideo] = []

    def build(ctx: BuildContext) -> FlipbookVideo:
        built.append(FlipbookVideo())
        return built[-1]

    registration = ProviderRegistration(
        "video", "flipbook", build, "flipbook",
        price=lambda _: PriceModel(unit="second", usd_per_unit=PER_SECOND),
        quota="video_seconds",
    )  # fmt: skip
    with default_registry().registered(registration):
        yield built


@pytest.mark.slow
def test_a_provider_registered_by_the_test_suite_runs_a_job_chosen_by_configuration(
    make_services, flipbook
):
    svc = make_services({"video": "flipbook", **DRAFT})  # no instance passed: bootstrap builds it

    job = run_job(
        svc, "A paper boat crosses a puddle", duration_s=10, resolution="720p", aspect="1:1"
    )

    assert job.status == "done", job.error
    assert len(flipbook) == 1
    asked = flipbook[0].seconds
    story = svc.projects.load(job.project_id).story
    assert asked == [s.clip_seconds for s in story.scenes]
    assert {s.clip_source for s in job.scenes.values()} == {"flipbook"}
    # Priced and counted by its descriptor: its seconds are AI video seconds of the day.
    cost = job.cost["flipbook/1"]
    assert (cost.units, cost.unit) == (sum(asked), "second")
    assert cost.actual_usd == pytest.approx(sum(asked) * PER_SECOND)
    account = svc.pipeline.quotas.view(OWNER)
    assert account.today.veo_s == sum(asked)
    assert account.spent_usd == pytest.approx(sum(asked) * PER_SECOND)
