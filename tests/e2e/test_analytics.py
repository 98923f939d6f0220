"""Usage analytics over whole jobs: the endpoint's totals are the sums of the usage events the
pipeline recorded, per user and per project, with videos, seconds, failures and stage times."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import pytest

from common.domain.commands import CreateProject, StartJob
from tests.e2e.test_series import BrokenVoice
from tests.support.api import ALICE, BOB, api_client, installed
from tests.support.calendar import FakeClock
from tests.support.jobs import DRAFT

pytestmark = pytest.mark.slow

TINY = {"duration_s": 10, "resolution": "720p", "aspect": "1:1"}


def _run(svc, prompt: str) -> tuple[str, str]:
    project = svc.projects.create("alice", CreateProject(prompt=prompt, settings=TINY))
    job = svc.pipeline.start("alice", StartJob(project_id=project.id))
    assert svc.queue.wait_idle(300)
    return project.id, job.id


def test_the_usage_endpoint_totals_equal_the_recorded_usage_events(make_services):
    clock = FakeClock(datetime(2026, 7, 1, 10, 0, tzinfo=UTC), step_s=0.5)
    voice = BrokenVoice(broken=False)
    svc = make_services(DRAFT, clock=clock, voice=voice)
    made, made_job = _run(svc, "A lighthouse keeper befriends a lonely whale")
    clock.set(datetime(2026, 7, 2, 10, 0, tzinfo=UTC))
    voice.broken = True
    failed, failed_job = _run(svc, "A fox guards a glowing forest")
    assert svc.jobs.get(made_job).status == "done"
    assert svc.jobs.get(failed_job).status == "failed"

    with installed(svc):
        client = api_client()
        query = "from=2026-07-01&to=2026-07-02&timezone=UTC"
        report = client.get(f"/v1/analytics/usage?{query}", headers=ALICE).get_json()
        one_project = client.get(
            f"/v1/analytics/usage?{query}&project_id={made}", headers=ALICE
        ).get_json()
        first_day = client.get(
            "/v1/analytics/usage?from=2026-07-01&to=2026-07-01", headers=ALICE
        ).get_json()
        bob = client.get(f"/v1/analytics/usage?{query}", headers=BOB)

    # The sums of the usage events as the pipeline stored them, computed independently.
    events = [d.data for d in svc.store.query("usage", [("owner", "==", "alice")])]
    assert events, "the pipeline recorded no usage events"
    expected: dict[str, dict[str, float]] = defaultdict(lambda: {"calls": 0, "units": 0, "usd": 0})
    for event in events:
        line = expected[event["provider"]]
        line["calls"] += 1
        line["units"] += event["units"]
        line["usd"] += event["usd"]
    totals = report["totals"]
    assert {p: line["calls"] for p, line in totals["providers"].items()} == {
        p: line["calls"] for p, line in expected.items()
    }
    for provider, line in expected.items():
        assert totals["providers"][provider]["units"] == pytest.approx(line["units"])
        assert totals["providers"][provider]["usd"] == pytest.approx(line["usd"])
    assert totals["usd"] == pytest.approx(sum(e["usd"] for e in events))

    made_job_doc = svc.jobs.get(made_job)
    assert totals["videos"] == 1
    assert totals["seconds_rendered"] == pytest.approx(made_job_doc.outputs.duration_s)
    assert totals["jobs"] == {"done": 1, "failed": 1}
    assert totals["failures_by_stage"] == {"scenes": 1}
    assert {"queued", "script", "references", "scenes", "assembly"} <= set(totals["stage_time"])
    assembly = made_job_doc.timings["assembly"]
    assert totals["stage_time"]["assembly"]["jobs"] == 1
    spent = (assembly.finished_at - assembly.started_at).total_seconds()
    assert spent > 0
    assert totals["stage_time"]["assembly"]["total_s"] == pytest.approx(spent)
    scenes = [svc.jobs.get(j).timings["scenes"] for j in (made_job, failed_job)]
    average = sum((t.finished_at - t.started_at).total_seconds() for t in scenes) / 2
    assert totals["stage_time"]["scenes"] == {
        "jobs": 2,
        "average_s": pytest.approx(average),
        "total_s": pytest.approx(2 * average),
    }

    # Per project: the two add up to the totals; one project asked alone is that project.
    assert set(report["projects"]) == {made, failed}
    for provider in expected:
        per_project = sum(
            p["providers"].get(provider, {}).get("calls", 0) for p in report["projects"].values()
        )
        assert per_project == totals["providers"][provider]["calls"]
    assert report["projects"][made]["videos"] == 1
    assert report["projects"][failed]["failures_by_stage"] == {"scenes": 1}
    assert one_project["totals"] == report["projects"][made]
    assert set(one_project["projects"]) == {made}

    # The range is honoured: the first day holds the first job and its events only.
    assert first_day["totals"]["jobs"] == {"done": 1}
    day_one = [e for e in events if e["at"] < "2026-07-02"]
    assert sum(p["calls"] for p in first_day["totals"]["providers"].values()) == len(day_one)
    assert bob.get_json()["totals"]["providers"] == {}
