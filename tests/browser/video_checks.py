"""What a finished render must give a person in the page, checked the same way by every browser
test that renders: progress that moved live (from the job's event stream, never by polling), a
video that plays with a captions track, downloads of each output named after the title, and
the job's stages on the waterfall."""

from __future__ import annotations

import re
from typing import Any

# Records every value the progress bar shows, as the page sets it.
WATCH_PROGRESS = """() => {
  window.progressSeen = [];
  new MutationObserver(() => {
    const bar = document.getElementById('job-progress');
    if (bar && window.progressSeen.at(-1) !== bar.value) window.progressSeen.push(bar.value);
  }).observe(document.body, { subtree: true, childList: true, attributes: true,
                              attributeFilter: ['value'] });
}"""

FETCH = """async (url) => {
  const r = await fetch(url);
  const body = new Uint8Array(await r.arrayBuffer());
  return { status: r.status, type: r.headers.get('Content-Type'), size: body.length,
           disposition: r.headers.get('Content-Disposition'),
           text: new TextDecoder().decode(body.slice(0, 4000)) };
}"""

TYPES = {
    "video": ("video/mp4", ".mp4"),
    "thumbnail": ("image/jpeg", ".jpg"),
    "captions_srt": ("application/x-subrip", ".srt"),
    "captions_vtt": ("text/vtt", ".vtt"),
}


# The player shows the watched job's own video (the job in the page's address), ready to play.
# While a re-render runs, and for a moment after it is done (until its media links arrive), the
# player plays the previous render: a check made then would read the old video and captions.
PLAYABLE_OWN = """() => {
  const job = (location.hash.match(/\\/jobs\\/([\\w-]+)/) || [])[1];
  const v = document.querySelector('.screen video');
  return Boolean(job && v && v.dataset.job === job && v.readyState >= 2);
}"""


def wait_until_ready(page: Any) -> None:
    """The watched job is done and its own video is on the player, ready to play."""
    page.wait_for_function(
        "() => document.getElementById('job-percent')?.textContent === '100%'", timeout=240_000
    )
    page.locator(".job-panel .pill", has_text="Ready").wait_for()
    page.wait_for_function(PLAYABLE_OWN, timeout=60_000)


def job_id_of(page: Any) -> str:
    return str(re.search(r"/jobs/([\w-]+)$", page.url).group(1))


def progress_moved_live(page: Any, studio: str, requests: list[str]) -> None:
    """The bar rose step by step to 100 from the job's event stream; the job was never polled."""
    seen = page.evaluate("window.progressSeen")
    assert seen == sorted(seen), seen
    assert seen[-1] == 100
    assert len(set(seen)) >= 3, f"progress did not move live: {seen}"
    job_id = job_id_of(page)
    assert any(r.endswith(f"/v1/jobs/{job_id}/events") for r in requests)
    polls = [r for r in requests if r == f"GET {studio}/v1/jobs/{job_id}"]
    assert not polls, "the page polled the job instead of watching its events"


def plays_with_captions(page: Any) -> None:
    """The video plays; its captions track is there, off while captions are burned in."""
    video = page.locator(".screen video")
    tracks = page.evaluate(
        """() => [...document.querySelector('.screen video').textTracks]
                 .map(t => ({kind: t.kind, mode: t.mode}))"""
    )
    assert {"kind": "captions", "mode": "disabled"} in tracks
    vtt = page.evaluate(FETCH, video.locator("track").get_attribute("src"))
    assert vtt["status"] == 200 and vtt["text"].startswith("WEBVTT")
    page.evaluate("() => { const v = document.querySelector('.screen video'); v.muted = true; }")
    page.evaluate("() => document.querySelector('.screen video').play()")
    page.wait_for_function(
        "() => document.querySelector('.screen video').currentTime > 1.0", timeout=20_000
    )
    page.evaluate(
        "() => { document.querySelector('.screen video').textTracks[0].mode = 'hidden'; }"
    )
    page.wait_for_function(
        "() => document.querySelector('.screen video').textTracks[0].cues?.length > 3"
    )
    page.evaluate("() => document.querySelector('.screen video').pause()")


def downloads_named(page: Any, stem: str) -> None:
    """Video, thumbnail and both caption files, each served with its type and saved as
    `<stem>.<ext>` (Content-Disposition), and a click on the video saves that file."""
    downloads = page.locator("[data-download]")
    assert downloads.count() == len(TYPES)
    kinds = set()
    for i in range(len(TYPES)):
        link = downloads.nth(i)
        kind = link.get_attribute("data-download")
        mime, ext = TYPES[kind]
        kinds.add(kind)
        assert link.get_attribute("download") == stem + ext
        answer = page.evaluate(FETCH, link.get_attribute("href"))
        assert answer["status"] == 200 and answer["size"] > 0, kind
        assert answer["type"].startswith(mime), kind
        assert f"filename={stem}{ext}" in (answer["disposition"] or ""), answer["disposition"]
    assert kinds == set(TYPES)
    with page.expect_download() as saving:
        downloads.first.click()
    assert saving.value.suggested_filename == stem + ".mp4"


def waterfall_has_stages(page: Any, provider_call: str = "script.write") -> None:
    """Where the time went: the job's stages on one axis, each with its duration, and under
    them the job's trace (its step deliveries and provider calls, GET /v1/jobs/{id}/trace).
    `provider_call` is a call the job made: a render of a reviewed script writes no story."""
    page.locator(".waterfall summary").click()
    rows = page.locator(".waterfall-row")
    rows.first.wait_for()
    page.locator(".waterfall-label", has_text="step_script").first.wait_for()
    labels = page.locator(".waterfall-label").all_inner_texts()
    assert {"Script", "Scenes", "Assembly"} <= set(labels), labels
    assert {"step_script", provider_call} <= set(labels), labels
    took = rows.locator(".waterfall-took").all_inner_texts()
    assert all(re.fullmatch(r"\d+ s|\d+:\d\d", t) for t in took), took


def spoken_words(page: Any) -> str:
    """The words of the playing video's captions in order, however its lines are cut."""
    vtt = page.evaluate(FETCH, page.locator(".screen video track").get_attribute("src"))
    lines = vtt["text"].splitlines()[1:]
    return " ".join(line for line in lines if line and "-->" not in line)
