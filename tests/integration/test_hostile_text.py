"""Hostile text through the real assembly: caption words and a title full of characters that mean
something to ffmpeg's graph parser, to ASS, to SRT/VTT, in a work folder whose path is hostile
too. Everything must come out as text: one ASS event per line, the words recoverable from it,
nothing drawn that the text did not say (an override `{\\fs300}` or a `{\\p1}` drawing would
change the rendered ink), and captions files whose cue structure holds."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from common.adapters.local.segment_cache import FolderSegmentCache
from common.domain.assets import WordTiming
from common.media.graph.command import filter_value
from common.media.render.assemble import assemble
from common.media.render.ffmpeg import run_ffmpeg
from common.media.spec.timeline import Timeline
from common.media.text.fonts import choose_fonts
from tests.integration.conftest import GeneratedMedia
from tests.support.cached_render import assemble_cached
from tests.support.probe import ffprobe

pytestmark = pytest.mark.slow

HOSTILE_WORDS = [
    "It's",
    "a:b",
    "back\\slash",
    "100%",
    "{\\fs300}big",
    "[x]",
    "semi;",
    "comma,",
    "two\nlines",
    "{\\p1}m 0 0 l 300 0 300 300{\\p0}",
    "\\N\\h{}",
    "-->",
]
TITLE = "Don't: {\\b1}[x]; 100% \\N new\nline, {y}"
HIGHLIGHT_TAG = re.compile(r"\{\\1c&H[0-9A-F]{8}&\}")


def hostile_timeline(media: GeneratedMedia) -> Timeline:
    step = 0.25
    words = [
        WordTiming(text=w, start_s=i * step, end_s=(i + 0.8) * step)
        for i, w in enumerate(HOSTILE_WORDS)
    ]
    scene = {
        "id": "s1",
        "visual": {"kind": "image", "path": str(media.stills[0])},
        "duration_s": len(HOSTILE_WORDS) * step + 0.5,
        "words": words,
        "transition_s": 0.0,
    }
    return Timeline.model_validate(
        {"width": 360, "height": 640, "fps": 10, "title": TITLE, "video_preset": "ultrafast"}
        | {"scenes": [scene], "caption_style": "highlight"}
    )


def unescape_ass(text: str) -> str:
    """What libass draws for an event's text written by captions._ass_escape (no overrides)."""
    text = HIGHLIGHT_TAG.sub("", text).replace("{\\1c&H00FFFFFF&}", "")
    return text.replace("\\{", "{").replace("\\}", "}").replace("\u2060", "")


@pytest.fixture(scope="module", params=["one-pass", "segmented"])
def hostile(request, media: GeneratedMedia, tmp_path_factory: pytest.TempPathFactory):
    """Both assembly engines, in a folder whose name means something to every parser."""
    root = tmp_path_factory.mktemp("hostile")
    workdir = root / "it's: [a,b]; 50% {x} \\ q"
    if request.param == "one-pass":
        result = assemble(hostile_timeline(media), workdir)
    else:
        cache = FolderSegmentCache(root / "segments: [a,b]; 'c'")
        result, _ = assemble_cached(hostile_timeline(media), workdir, cache)
    return workdir, result


def dialogue_texts(ass: str) -> list[str]:
    return [line.split(",", 9)[9] for line in ass.splitlines() if line.startswith("Dialogue:")]


def test_the_video_and_thumbnail_are_made_in_a_hostile_folder(hostile):
    workdir, result = hostile
    assert result.video.parent == workdir and result.video.is_file()
    assert "video" in {s["codec_type"] for s in ffprobe(result.video)["streams"]}
    assert result.thumbnail.is_file() and result.thumbnail.stat().st_size > 1000


def test_every_ass_line_is_the_script_s_own_and_the_words_read_back(hostile):
    _, result = hostile
    ass = result.captions_ass.read_text(encoding="utf-8")
    events = ass.split("[Events]\n", 1)[1].splitlines()
    assert events[0].startswith("Format:")
    assert all(line.startswith("Dialogue: 0,") for line in events[1:])  # no injected lines
    texts = dialogue_texts(ass)
    assert len(texts) == len(HOSTILE_WORDS)  # highlight: one event per word
    shown = " ".join(unescape_ass(t) for t in texts)
    for word in HOSTILE_WORDS:
        assert word.replace("\n", " ") in shown
    for text in texts:
        without_ours = HIGHLIGHT_TAG.sub("", text).replace("{\\1c&H00FFFFFF&}", "")
        # Every brace left is escaped; every backslash is followed by `{`, `}` or a joiner.
        assert not re.search(r"(?<!\\)[{}]", without_ours), text
        assert not re.search(r"\\(?![{}\u2060])", without_ours), text


def test_srt_and_vtt_keep_their_cue_structure(hostile):
    _, result = hostile
    srt = result.captions_srt.read_text(encoding="utf-8").strip()
    vtt = result.captions_vtt.read_text(encoding="utf-8")
    blocks = srt.split("\n\n")
    assert all(re.fullmatch(r"\d+\n[\d:,]+ --> [\d:,]+\n[^\n]+", b) for b in blocks), blocks
    assert sum(" --> " in line for line in srt.splitlines()) == len(blocks)
    assert sum(" --> " in line for line in vtt.splitlines()) == len(blocks)
    assert "--&gt;" in vtt and "a:b" in srt and "two lines" in srt


def render_ink(ass_path: Path, header: str, dialogue: str, out: Path) -> np.ndarray:
    """The 360x640 grey frame libass draws for one Dialogue line over black."""
    ass_path.write_text(header + dialogue + "\n", encoding="utf-8")
    fonts = choose_fonts(" ".join(HOSTILE_WORDS))[0].files[0].parent
    raw = out / "frame.gray"
    h, m, s = dialogue.split(",")[1].split(":")
    at = int(h) * 3600 + int(m) * 60 + float(s) + 0.02
    ass = f"ass=filename={filter_value(str(ass_path))}:fontsdir={filter_value(str(fonts))}"
    source = ["-f", "lavfi", "-i", f"color=black:s=360x640:r=100:d={at + 0.1:.2f}"]
    one_frame = ["-vf", ass, "-ss", f"{at:.2f}", "-frames:v", "1", "-update", "1"]
    run_ffmpeg([*source, *one_frame, "-f", "rawvideo", "-pix_fmt", "gray", "-y", str(raw)])
    return np.frombuffer(raw.read_bytes(), np.uint8).reshape(640, 360)


def test_hostile_events_render_as_one_line_of_ordinary_size(hostile, tmp_path):
    _, result = hostile
    ass = result.captions_ass.read_text(encoding="utf-8")
    header = ass.split("Dialogue:", 1)[0]
    font_size = int(re.search(r"Style: Caption,[^,]+,(\d+),", ass).group(1))
    dialogues = [line for line in ass.splitlines() if line.startswith("Dialogue:")]
    heights = []
    for index in (4, 9, 10):  # {\fs300}, the {\p1} drawing, \N\h{}
        frame = render_ink(tmp_path / "one.ass", header, dialogues[index], tmp_path)
        rows = np.flatnonzero((frame > 128).any(axis=1))
        assert rows.size, f"event {index} drew nothing: {dialogues[index]}"
        heights.append(rows[-1] - rows[0] + 1)
        # Text set at the caption size on one line: not 300 px glyphs, no 300 px square.
        assert heights[-1] < 2.2 * font_size, (index, heights[-1], font_size)
        assert rows[0] > 640 * 0.5  # in the caption band, low in the frame
