"""A render spread over worker processes (common/media/render/shares.py) on real ffmpeg: two
workers, each in its own process, encode their shares into one segment cache; the join finds
every segment and encodes nothing; the video is the same frames as one worker's, and as the
one-pass render's within the encoder's rounding, and a worker encoding several scenes at once
makes the same frames as one encoding them in turn."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from common.adapters.local.segment_cache import FolderSegmentCache
from common.media.render.assemble import assemble
from common.media.render.shares import plan_shares, render_share
from common.media.spec.frames import total_frames
from common.media.spec.segments import plan_segments
from tests.integration.test_segmented_assembly import JOIN_PSNR_DB, psnr, the_timeline
from tests.support.cached_render import assemble_cached
from tests.support.probe import decode_frames
from tests.support.share_worker import render_shares_in_processes


@pytest.fixture(scope="module")
def split(media, tmp_path_factory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("shares")
    timeline = the_timeline(media)
    two = FolderSegmentCache(root / "two-cache")
    render_shares_in_processes(timeline, 2, two.folder)
    joined, report = assemble_cached(timeline, root / "two", two)
    one = FolderSegmentCache(root / "one-cache")
    # One worker encoding its scenes two at a time: the same bytes as one at a time.
    render_share(timeline, 0, 1, fetch=one.fetch, store=one.store, workers=2)
    alone, _ = assemble_cached(timeline, root / "one", one)
    return timeline, joined, report, alone, root


def test_two_worker_processes_leave_every_segment_so_the_join_encodes_none(split):
    timeline, joined, report, _, _ = split
    assert report.encoded == []
    assert report.reused == [s.name for s in plan_segments(timeline)]
    assert len(decode_frames(joined.video)) == total_frames(timeline)


def test_two_workers_make_the_same_frames_as_one(split):
    _, joined, _, alone, _ = split
    two, one = decode_frames(joined.video, "rgb24"), decode_frames(alone.video, "rgb24")
    assert two.shape == one.shape
    assert np.array_equal(two, one)


def test_two_workers_match_the_one_pass_render_but_for_the_encoders_rounding(split):
    timeline, joined, _, _, root = split
    single = assemble(timeline, root / "single")
    values = [
        psnr(a, b)
        for a, b in zip(decode_frames(single.video), decode_frames(joined.video), strict=True)
    ]
    low = [k for k, v in enumerate(values) if v < JOIN_PSNR_DB]
    assert len(low) <= 0.05 * len(values), low
    assert np.median(values) > 40


def test_each_worker_encodes_only_its_own_scenes_and_a_retry_encodes_nothing(media, tmp_path):
    timeline = the_timeline(media)
    cache = FolderSegmentCache(tmp_path / "cache")
    first = render_share(timeline, 1, 2, fetch=cache.fetch, store=cache.store)
    shares = plan_shares(plan_segments(timeline), 2)
    mine = [s.name for s in plan_segments(timeline) if s.scene in shares[1].scenes]
    assert first.encoded == mine and first.reused == []
    again = render_share(timeline, 1, 2, fetch=cache.fetch, store=cache.store)
    assert again.encoded == [] and again.reused == mine
    assert {p.stem for p in Path(cache.folder).glob("*.mp4")} == {first.keys[name] for name in mine}
