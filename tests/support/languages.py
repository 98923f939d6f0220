"""What the language tests check of a job told in a language: captions in its script, drawn by
fonts that cover every character, word timings in spoken order, and (where the video was
rendered) a soundtrack as long as the picture.

Every language runs its own job; one language of each script renders its video, the others
stop where the render would start and write their captions as the render would
(tests.support.jobs.captioned). What depends on the language (its story, its voice, its words,
its captions and their fonts) is checked for each; what depends on the script only (how the
encoded video holds the captions and the sound) once per script.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from common.adapters.langid.detector import main_script
from common.bootstrap import Services
from common.domain.job import Job
from common.domain.languages import LANGUAGES
from common.media.spec.timeline import Timeline
from common.media.text.fonts import choose_fonts, drop_uncovered_symbols, needs_glyph
from tests.support.fakes import RecordingRunner
from tests.support.jobs import captioned
from tests.support.probe import ffprobe


def one_per_script(codes: Iterable[str]) -> frozenset[str]:
    """The languages whose jobs render their video: the last of each script, alphabetically."""
    return frozenset({LANGUAGES[code].script: code for code in sorted(codes)}.values())


def srt_text(srt: str) -> str:
    """The text of an SRT file without its numbers and timings."""
    return "\n".join(
        line
        for line in srt.splitlines()
        if line.strip() and not line.strip().isdigit() and "-->" not in line
    )


def check_told_in(
    svc: Services, job: Job, code: str, workdir: Path, runner: RecordingRunner | None
) -> None:
    """`job`, told in `code`, ended (rendered) or reached its render with every scene done
    (handed to `runner`), with captions, fonts, words and (rendered) soundtrack as it should."""
    if runner is None:
        assert job.status == "done", job.error
        assert job.outputs.captions_srt is not None
        srt = svc.blobs.get(job.outputs.captions_srt).decode()
        story = svc.projects.load(job.project_id).story
        assert story is not None
        timeline = svc.assembler.timeline(job, story, workdir / "assets")
    else:
        assert (job.status, job.stage, job.error) == ("running", "assembly", None), job.error
        assert runner.started == [job.id]
        assert all(scene.narration == "done" for scene in job.scenes.values())
        made = captioned(svc, job, workdir)
        srt, timeline = made.srt, made.timeline

    # Captions in the language's script, every character drawn by the fonts assembly chooses.
    captions = srt_text(srt)
    assert main_script(captions) == LANGUAGES[code].script, captions
    drawn = drop_uncovered_symbols(captions)
    faces = choose_fonts(drawn)
    assert not {c for c in drawn if needs_glyph(c) and not any(f.covers(c) for f in faces)}
    assert all(faces[0].covers(c) for c in captions if c.isalpha()), (faces[0].family, captions)

    _check_words_in_spoken_order(timeline)
    if runner is None:
        _check_sound_lasts_the_picture(svc, job, workdir)


def _check_words_in_spoken_order(timeline: Timeline) -> None:
    """Word timings in spoken order, within each scene and across the video."""
    absolute = []
    for start, scene in zip(timeline.starts(), timeline.scenes, strict=True):
        assert scene.words, scene.id
        for word in scene.words:
            assert 0 <= word.start_s <= word.end_s
            absolute.append(start + scene.narration_offset_s + word.start_s)
    assert absolute == sorted(absolute)


def _check_sound_lasts_the_picture(svc: Services, job: Job, workdir: Path) -> None:
    """The soundtrack lasts as long as the picture (one frame at most)."""
    assert job.outputs.video is not None
    video = svc.blobs.download(job.outputs.video, workdir / "video.mp4")
    streams = {s["codec_type"]: s for s in ffprobe(video)["streams"]}
    num, den = (int(x) for x in streams["video"]["avg_frame_rate"].split("/"))
    picture, sound = float(streams["video"]["duration"]), float(streams["audio"]["duration"])
    assert abs(picture - sound) <= den / num + 1e-3, (picture, sound)
