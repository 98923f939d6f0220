"""What a screen shows, written straight into the served store: a project's story, a job at any
stage (running, done with a video, failed), a series with past runs. A screen can then be
checked without rendering, and a running job stays running as long as the test needs.

The documents are the domain's own models, so what is written is what the pipeline writes.
"""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from common.adapters.local.fs_blobs import FsBlobStore
from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.config import Settings
from common.domain.job import Job, JobOutputs, SceneState, render_for
from common.domain.project import ProjectSettings
from common.domain.story import Scene, Story, StyleBible
from tests.browser.harness import Api
from tests.support.media_files import clip

COLOURS = [(40, 90, 160), (170, 110, 60), (60, 140, 90), (150, 60, 120)]
NARRATION = [
    "Night falls on the rocky coast, and the lighthouse wakes.",
    "Far below, a lonely whale sings to the empty sea.",
    "The keeper answers with her lamp, three long flashes.",
    "By morning they are friends, and neither is alone.",
]
BEATS = ["hook", "development", "turn", "resolution"]


def story(title: str, scenes: int = 3) -> Story:
    return Story(
        title=title,
        style=StyleBible(visual_style="storybook", palette=["#223344", "#8899aa", "#ccddee"]),
        scenes=[
            Scene(
                id=f"s{i + 1}",
                beat=BEATS[min(i, 3)] if i < scenes - 1 else "resolution",  # type: ignore[arg-type]
                narration=NARRATION[i % 4],
                visual_prompt=f"picture {i + 1}",
            )
            for i in range(scenes)
        ],
    )


class Seeds:
    """The served data folder, written as the pipeline would."""

    def __init__(self, data_dir: Path, api: Api, tmp: Path) -> None:
        self.store = SqliteDocumentStore(Settings.from_env({}, data_dir=data_dir).database_path)
        self.blobs = FsBlobStore(data_dir / "media")
        self.api = api
        self.tmp = tmp

    def close(self) -> None:
        self.store.close()

    def project(self, prompt: str, title: str = "", scenes: int = 3, **settings: Any) -> dict:
        """A project through the API, then its story as generate writes it."""
        body: dict[str, Any] = {"prompt": prompt, "settings": {"duration_s": 10, **settings}}
        if title:
            body["title"] = title
        project = self.api.call("POST", "/projects", body)
        if scenes:
            written = story(title or "The Keeper and the Whale", scenes)
            self.store.update(
                "projects",
                project["id"],
                {"story": written.model_dump(mode="json"), "revision": project["revision"] + 1},
            )
        return dict(self.api.call("GET", f"/projects/{project['id']}"))

    def picture(self, name: str, colour: tuple[int, int, int]) -> str:
        out = io.BytesIO()
        Image.new("RGB", (180, 320), colour).save(out, "PNG")
        return self.blobs.put(f"cache/images/seed-{name}.png", out.getvalue(), "image/png")

    def job(
        self,
        project: dict,
        *,
        status: str = "running",
        stage: str = "scenes",
        progress: int = 40,
        kind: str = "generate",
        started_s_ago: float = 60,
        video: bool = False,
    ) -> str:
        """A job of `project` as far as `stage`; with `video`, its finished outputs."""
        job_id = f"seed{uuid.uuid4().hex[:12]}"
        settings = ProjectSettings(**project["settings"])
        written = Story(**project["story"]) if project.get("story") else None
        now = datetime.now(UTC)
        scenes = {}
        for i, scene in enumerate(written.scenes if written else []):
            painted = status == "done" or i < 2
            scenes[scene.id] = SceneState(
                narration="done" if painted else "running",
                keyframe="done" if painted else "running",
                clip="done" if status == "done" else "pending",
                clip_source="offline" if status == "done" else None,
                keyframe_key=self.picture(f"{job_id}-{scene.id}", COLOURS[i % 4])
                if painted
                else None,
            )
        outputs = JobOutputs()
        if video:
            outputs = JobOutputs(
                video=self.blobs.put(
                    f"outputs/{job_id}/video.mp4", clip(self.tmp, 2.0, "180x320"), "video/mp4"
                ),
                thumbnail=self.picture(f"{job_id}-thumb", (200, 160, 60)),
                duration_s=2.0,
                width=180,
                height=320,
            )
        job = Job(
            id=job_id,
            owner=self.api.uid,
            project_id=project["id"],
            kind=kind,  # type: ignore[arg-type]
            status=status,  # type: ignore[arg-type]
            stage=stage,  # type: ignore[arg-type]
            progress=progress,
            settings=settings,
            render=render_for("generate", settings),
            story=written,
            story_revision=project["revision"] if written else None,
            scene_ids=list(scenes),
            scenes=scenes,
            outputs=outputs,
            created_at=now - timedelta(seconds=started_s_ago + 1),
            updated_at=now,
            started_at=now - timedelta(seconds=started_s_ago),
            finished_at=now if status in ("done", "failed", "cancelled") else None,
        )
        self.store.create("jobs", job.id, job.model_dump(mode="json"))
        return job_id

    def update_job(self, job_id: str, changes: dict[str, Any]) -> None:
        self.store.update("jobs", job_id, {"updated_at": datetime.now(UTC).isoformat(), **changes})
