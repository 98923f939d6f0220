"""`python main.py make|serve`: the command line, an entry point like the others.

`make` runs one job to the end on the configured backends (the embedded default unless the
environment says otherwise), shows a progress bar per stage, and writes the outputs into a folder.
Exit status: 0 only when the video exists; 2 for bad input (one line naming the field); 1 when
the job failed (one line naming stage, scene and reason).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import queue
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: `python main.py --help` stays fast
    from common.bootstrap import Services
    from common.domain.errors import InvalidInputError
    from common.domain.job import Job
    from common.ports import Document

OWNER = "local"

# CLI flags for the settings fields they set, so errors name what the user typed.
FLAG_FOR_FIELD = {
    "prompt": "PROMPT",
    "settings.duration_s": "--seconds",
    "settings.aspect": "--aspect",
    "settings.resolution": "--resolution",
    "settings.language": "--language",
    "settings.voice": "--voice",
    "settings.caption_style": "--captions",
    "settings.transition": "--transition",
    "settings.seed": "--seed",
    "settings.budget_usd": "--budget",
}


def _make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python main.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    make = sub.add_parser("make", help="make one video from a prompt")
    make.add_argument("prompt")
    make.add_argument("--seconds", type=int, default=30, help="target length, 10-180")
    make.add_argument("--aspect", default="9:16", help="9:16, 16:9 or 1:1")
    make.add_argument("--resolution", default="1080p", help="720p or 1080p")
    make.add_argument("--language", default="auto", help="auto, en, zh, ar, ...")
    make.add_argument("--voice", default="default")
    make.add_argument(
        "--captions",
        default="highlight",
        help="a caption style preset (README, GET /v1/caption-styles): highlight, karaoke, "
        "boxed, none, ...",
    )
    make.add_argument("--transition", default="crossfade", help="crossfade, dip, slide or cut")
    make.add_argument("--seed", type=int, default=0)
    make.add_argument(
        "--budget",
        type=float,
        default=None,
        help="the most the video may cost in USD (list prices): AI clips for the scenes that "
        "matter most, Ken Burns for the rest",
    )
    make.add_argument("--out", type=Path, default=Path("out"))
    make.add_argument("--quiet", action="store_true", help="no progress bars")
    make.add_argument(
        "--providers",
        default="",
        help="comma-separated: offline, vertex (Gemini + Veo), elevenlabs (or another "
        "registered provider group); later names win; default: environment",
    )

    sub.add_parser(
        "doctor",
        help="check the configured providers: credentials, and model ids past their shutdown",
    )

    serve = sub.add_parser("serve", help="serve the REST API and the step endpoints locally")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _make_parser().parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("STORYGENIUS_LOG_LEVEL", "WARNING"),
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.command == "make":
        return make(args)
    if args.command == "doctor":
        return doctor()
    if args.command == "serve":
        from functions.server import serve

        return serve(args.host, args.port)
    return 2


def _fail_input(exc: InvalidInputError) -> int:
    fields = exc.fields
    if fields:
        name, message = next(iter(fields.items()))
        print(f"error: {FLAG_FOR_FIELD.get(name, name)}: {message}", file=sys.stderr)
    else:
        print(f"error: {exc}", file=sys.stderr)
    return 2


def doctor() -> int:
    """Say which providers the environment chooses, what they lack, and which configured model
    ids are past their announced shutdown. Exit status 1 when something will fail."""
    from datetime import UTC, datetime

    from common.bootstrap import model_warnings, provider_setup_problems
    from common.config import Settings
    from common.domain.errors import InvalidInputError

    try:
        settings = Settings.from_env()
    except InvalidInputError as exc:
        return _fail_input(exc)
    chosen = ", ".join(
        f"{k}={getattr(settings, k)}" for k in ("script", "images", "video", "voice")
    )
    print(f"providers: {chosen}")
    problems = provider_setup_problems(settings)
    warnings = model_warnings(settings, datetime.now(UTC).date())
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    failing = problems or [w for w in warnings if "shut down on" in w]
    if not failing:
        print("ok")
    return 1 if failing else 0


def provider_choices(value: str, env: Mapping[str, str]) -> dict[str, str]:
    """The provider settings `--providers` asks for; InvalidInputError naming the flag when a
    name is unknown or what it needs is not in the environment. The names are the provider
    registrations' groups (common/adapters/registry.py); later names win."""
    from common.bootstrap import provider_group_needs, provider_groups
    from common.domain.errors import InvalidInputError

    groups, needs = provider_groups(), provider_group_needs()
    choices: dict[str, str] = {}
    for name in (n.strip() for n in value.split(",") if n.strip()):
        if name not in groups:
            known = ", ".join(sorted(groups))
            problem = f"unknown provider {name!r} (choose from {known})"
            raise InvalidInputError(problem, fields={"--providers": problem})
        for var, what in needs.get(name, ()):
            if not env.get(var):
                problem = f"{name} needs {var} ({what}), which is not set"
                raise InvalidInputError(problem, fields={"--providers": problem})
        choices.update(groups[name])
    return choices


def make(args: argparse.Namespace) -> int:
    from common.domain.commands import CreateProject, StartJob, parse
    from common.domain.errors import InvalidInputError
    from common.domain.quota import PaymentRequiredError

    try:
        command = parse(
            CreateProject,
            {
                "prompt": args.prompt,
                "settings": {
                    "duration_s": args.seconds,
                    "aspect": args.aspect,
                    "resolution": args.resolution,
                    "language": args.language,
                    "voice": args.voice,
                    "caption_style": args.captions,
                    "transition": args.transition,
                    "seed": args.seed,
                    **({} if args.budget is None else {"budget_usd": args.budget}),
                },
            },
        )
        from common.bootstrap import build_services, provider_setup_problems
        from common.config import PREFIX, Settings

        chosen = provider_choices(args.providers, os.environ)
        settings = Settings.from_env(
            {**os.environ, **{f"{PREFIX}{name.upper()}": value for name, value in chosen.items()}}
        )
        problems = provider_setup_problems(settings)
        if problems:
            raise InvalidInputError(problems[0], fields={"--providers": problems[0]})
        services = build_services(settings)
    except InvalidInputError as exc:
        return _fail_input(exc)

    try:
        project = services.projects.create(OWNER, command)
        job = services.pipeline.start(OWNER, StartJob(project_id=project.id))
        job = _follow(services, job.id, quiet=args.quiet)
        if job.status != "done":
            err = job.error
            where = (
                f"stage {err.stage}" + (f", scene {err.scene}" if err.scene else "") if err else ""
            )
            reason = f"{err.code}: {err.message}" if err else job.status
            print(f"error: job {job.id} {job.status} at {where}: {reason}", file=sys.stderr)
            return 1
        _export(services, job, args.out)
    except InvalidInputError as exc:  # e.g. a budget below the cheapest video of the story
        return _fail_input(exc)
    except PaymentRequiredError as exc:  # credit or today's limits (STORYGENIUS_CREDIT_*, _DAILY_*)
        shortfall = ", ".join(f"{k} {v}" for k, v in exc.fields.items())
        print(f"error: {exc.code}: {exc.message} ({shortfall})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        services.close()
    print(args.out / "video.mp4")
    return 0


def _follow(services: Services, job_id: str, *, quiet: bool) -> Job:
    """Watch the job document until it ends, drawing one progress bar per stage in turn."""
    from tqdm import tqdm

    from common.domain.job import STAGE_SPAN, JobError

    snapshots: queue.Queue[Document | None] = queue.Queue()
    unsubscribe = services.store.watch("jobs", job_id, snapshots.put)
    labels = {
        "script": "writing script",
        "references": "reference images",
        "scenes": "voice, keyframes, clips",
        "assembly": "assembling video",
    }
    bar: Any = None
    bar_stage = ""
    idle_checks = 0

    def close_bar(complete: bool) -> None:
        if bar is not None:
            if complete:
                bar.update(bar.total - bar.n)
            bar.close()

    try:
        while True:
            try:
                doc = snapshots.get(timeout=1.0)
            except queue.Empty:
                doc = None
            job = services.jobs.get(job_id)
            if not quiet and job.stage in labels:
                if job.stage != bar_stage:
                    close_bar(complete=True)
                    bar = tqdm(total=100, desc=f"{labels[job.stage]:<24}", unit="%")
                    bar_stage = job.stage
                lo, hi = STAGE_SPAN[job.stage]
                within = 100 * (job.progress - lo) // max(1, hi - lo)
                bar.update(max(0, min(100, within) - bar.n))
            if job.terminal:
                close_bar(complete=job.status == "done")
                bar = None
                return job
            # A job that is not finished while the queue has nothing left to do is stuck.
            wait_idle = getattr(services.queue, "wait_idle", None)
            if doc is None and wait_idle is not None and wait_idle(0):
                idle_checks += 1
                if idle_checks >= 3:
                    failures = getattr(services.queue, "failures", [])
                    detail = failures[-1].error if failures else "no task left to run"
                    services.jobs.fail(
                        job_id, JobError(stage=job.stage, code="stalled", message=str(detail))
                    )
            else:
                idle_checks = 0
    finally:
        unsubscribe()
        close_bar(complete=False)


def _export(services: Services, job: Job, out: Path) -> None:
    """Copy the outputs into `out` so that each file appears whole or not at all."""
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "video.mp4": job.outputs.video,
        "thumbnail.jpg": job.outputs.thumbnail,
        "captions.srt": job.outputs.captions_srt,
        "captions.vtt": job.outputs.captions_vtt,
    }
    with tempfile.TemporaryDirectory(dir=out, prefix=".partial-") as tmp:
        staged = []
        for name, key in files.items():
            if key is None:
                raise ValueError(f"job {job.id} is done but has no {name}")
            dest = Path(tmp) / name
            services.blobs.download(key, dest)
            staged.append((dest, out / name))
        summary = Path(tmp) / "job.json"
        summary.write_text(json.dumps(job.model_dump(mode="json"), indent=2, ensure_ascii=False))
        staged.append((summary, out / "job.json"))
        # The video goes last: its presence means the set is complete.
        staged.sort(key=lambda pair: pair[1].name == "video.mp4")
        for src, dest in staged:
            os.replace(src, dest)
