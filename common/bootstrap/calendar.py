"""Schedules, series, publishing and the tick, wired to each other and to the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from common.config import Settings
from common.ports import BlobStore, Clock, DocumentStore, TaskQueue
from common.ports.publisher import Publisher
from common.services.accounts.secrets import SecretBox
from common.services.calendar.publishing import PublishService
from common.services.calendar.scheduling import ScheduleService
from common.services.calendar.series import SeriesService
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
    schedules.hooks = series  # a series' runs report back to it
    webhooks = WebhookService(store, clock, publisher, box)
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
    )
    ticker = Ticker(clock=clock, settings=settings, schedules=schedules, series=series)
    return Calendar(schedules, series, webhooks, publishing, ticker)
