"""Schedules, series, publishing and the tick, wired to each other and to the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from common.config import Settings
from common.ports import BlobStore, Clock, DocumentStore, TaskQueue
from common.ports.publisher import PlatformPublisher, Publisher
from common.services.accounts.connections import ConnectionService
from common.services.accounts.secrets import SecretBox
from common.services.calendar.posting import PostingPolicy, PostService
from common.services.calendar.publishing import PublishService
from common.services.calendar.scheduling import ScheduleService
from common.services.calendar.series import SeriesService
from common.services.calendar.series_runs import SeriesRuns
from common.services.calendar.tick import Ticker
from common.services.calendar.webhooks import WebhookService
from common.services.pipeline.dispatch import Pipeline
from common.services.pipeline.jobs import JobRepository
from common.services.projects.media_links import MediaLinks
from common.services.projects.projects import ProjectService


@dataclass
class Calendar:
    schedules: ScheduleService
    series: SeriesService
    webhooks: WebhookService
    publishing: PublishService
    ticker: Ticker
    posts: PostService


def build_calendar(
    settings: Settings,
    store: DocumentStore,
    clock: Clock,
    projects: ProjectService,
    jobs: JobRepository,
    pipeline: Pipeline,
    blobs: BlobStore,
    queue: TaskQueue,
    publisher: Publisher | None,
    box: SecretBox,
    media_links: MediaLinks,
    connections: ConnectionService,
) -> Calendar:
    if publisher is None:
        from common.adapters.webhook.publisher import WebhookPublisher

        publisher = WebhookPublisher(timeout_s=settings.webhook_timeout_s)
    schedules = ScheduleService(
        store=store,
        clock=clock,
        settings=settings,
        projects=projects,
        jobs=jobs,
        pipeline=pipeline,
        queue=queue,
    )
    series = SeriesService(
        store=store, clock=clock, settings=settings, projects=projects, schedules=schedules
    )
    schedules.hooks = SeriesRuns(store=store, clock=clock, projects=projects)  # runs report back
    webhooks = WebhookService(store, clock, publisher, box)
    posts = PostService(
        store=store,
        clock=clock,
        policy=PostingPolicy.of(settings),
        schedules=schedules,
        projects=projects,
        blobs=blobs,
        queue=queue,
        connections=connections,
        publishers=platform_publishers(settings, clock),
        link=media_links.public,
    )
    schedules.posts = posts  # a cancelled schedule withdraws its posts
    publishing = PublishService(
        settings=settings,
        clock=clock,
        schedules=schedules,
        jobs=jobs,
        projects=projects,
        blobs=blobs,
        queue=queue,
        publisher=publisher,
        webhooks=webhooks,
        link=media_links.public,
        posts=posts,
    )
    ticker = Ticker(clock=clock, settings=settings, schedules=schedules, series=series, posts=posts)
    return Calendar(schedules, series, webhooks, publishing, ticker, posts)


def platform_publishers(settings: Settings, clock: Clock) -> dict[str, PlatformPublisher]:
    """The platforms' upload adapters (nothing is imported until the calendar is built)."""
    from common.adapters.instagram.oauth import GRAPH_ROOT as INSTAGRAM_ROOT
    from common.adapters.instagram.publisher import InstagramPublisher
    from common.adapters.tiktok.oauth import API_ROOT as TIKTOK_ROOT
    from common.adapters.tiktok.publisher import TikTokPublisher
    from common.adapters.youtube.oauth import API_ROOT as YOUTUBE_ROOT
    from common.adapters.youtube.publisher import YouTubePublisher

    timeout = settings.platform_timeout_s
    return {
        "youtube": YouTubePublisher(
            settings.youtube_base_url or YOUTUBE_ROOT,
            chunk_bytes=settings.youtube_chunk_bytes,
            timeout_s=timeout,
            now=clock.now,
        ),
        "tiktok": TikTokPublisher(
            settings.tiktok_base_url or TIKTOK_ROOT,
            audited=settings.tiktok_audited,
            timeout_s=timeout,
        ),
        "instagram": InstagramPublisher(
            settings.instagram_base_url or INSTAGRAM_ROOT, timeout_s=timeout
        ),
    }
