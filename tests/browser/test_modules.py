"""The Studio's pure modules, run in the browser and held to what the Python side says: download
names agree with the API's (`download_name`), wall-clock times in a zone agree with zoneinfo
(daylight-saving changes included), the time-left estimate follows the recent pace, and the
prompt checks refuse what the script stage would fail on."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from common.domain.schedule import localize
from common.services.projects.media_links import download_name
from tests.browser.harness import StudioPage

TITLES = [
    "The Lighthouse Keeper and the Lonely Whale",
    "The Keeper's Whale!",
    "Ночной маяк",
    "灯台守とクジラ",
    "Café   au lait -- 2nd edition",
    "हिंदी कहानी",
    "!!!",
    "x" * 120,
]


@pytest.fixture(scope="module")
def loaded(browser, studio):
    """One loaded Studio for the whole module: these tests only evaluate pure functions in it,
    so a page per test (a context, a renderer, a full load: ~0.45 CPU-s of Chromium each, 12
    times) would buy nothing."""
    opened = StudioPage(browser, "modules", "desktop")
    opened.page.goto(f"{studio}/#/")
    opened.page.get_by_role("heading", name="Your projects").wait_for()
    yield opened
    opened.close()


@pytest.fixture
def studio_page(loaded):
    """The module's page; errors on it during a test fail that test."""
    loaded.check()  # what loading it raised fails the first test
    yield loaded.page
    loaded.check()


def run(page, module: str, body: str, arg=None):
    """`body` (a JS function of the module `m` and `arg`) evaluated in the page."""
    return page.evaluate(
        f"async (arg) => {{ const m = await import('/js/{module}'); return ({body})(m, arg); }}",
        arg,
    )


def test_download_names_are_the_ones_the_api_gives(studio_page):
    names = run(studio_page, "checks.js", "(m, titles) => titles.map((t) => m.slug(t))", TITLES)
    assert names == [download_name(t, "v.mp4")[: -len(".mp4")] for t in TITLES]


@pytest.mark.parametrize(
    ("wall", "zone"),
    [
        ("2031-05-14T09:30", "Europe/Paris"),
        ("2026-03-29T03:30", "Europe/Paris"),  # just after the spring change
        ("2026-10-25T01:30", "Europe/London"),  # the hour that happens twice: the first
        ("2026-03-29T02:30", "Europe/Paris"),  # the hour that never happens: the old offset
        ("2026-11-01T01:30", "America/New_York"),
        ("2026-12-31T23:45", "Asia/Kolkata"),
        ("2026-06-01T00:00", "America/St_Johns"),
    ],
)
def test_a_wall_clock_time_in_a_zone_is_the_instant_zoneinfo_says(studio_page, wall, zone):
    iso = run(
        studio_page, "zones.js", "(m, [w, z]) => m.wallToInstant(w, z).toISOString()", [wall, zone]
    )
    # What the API reads (common/domain/schedule.py, localize: fold=0), in UTC.
    expected = localize(datetime.fromisoformat(wall), ZoneInfo(zone))
    assert datetime.fromisoformat(iso.replace("Z", "+00:00")) == expected


def test_api_messages_in_utc_are_said_in_the_chosen_zone(studio_page):
    text = run(
        studio_page,
        "zones.js",
        "(m) => m.messageInZone('must be in the future (it is 2020-05-14T07:30:00Z, now is "
        "2026-12-06T08:49:25Z)', 'Europe/Paris')",
    )
    assert text == (
        "must be in the future (it is May 14, 2020, 9:30 AM (Europe/Paris), "
        "now is Dec 6, 2026, 9:49 AM (Europe/Paris))"
    )


def test_the_time_left_follows_the_recent_pace_and_falls_back_to_the_average(studio_page):
    left = run(
        studio_page,
        "eta.js",
        """(m) => {
          const t = m.etaTracker();
          const start = Date.parse('2026-01-01T00:00:00Z');
          const job = (p) => ({
            id: 'j', status: 'running', progress: p, started_at: '2026-01-01T00:00:00Z',
          });
          const out = {};
          out.none = t.secondsLeft(job(0), start + 1000);
          // 10 % in the first 100 s (slow), then 10 % more in the next 10 s (fast)
          t.observe(job(10), start + 100000);
          out.average = t.secondsLeft(job(10), start + 100000);
          t.observe(job(20), start + 110000);
          out.recent = t.secondsLeft(job(20), start + 110000);
          // the bar then stands still for 5 minutes: the recent pace is overdue
          out.stalled = t.secondsLeft(job(20), start + 410000);
          out.done = t.secondsLeft({ ...job(100), status: 'done' }, start + 500000);
          out.texts = [3, 42, 61, 5400].map(m.formatLeft);
          return out;
        }""",
    )
    assert left["none"] is None  # nothing to go by yet
    assert left["average"] == pytest.approx(900)  # 10 % in 100 s: 90 % in 900 s
    assert left["recent"] == pytest.approx(80)  # 10 % per 10 s: 80 % in 80 s
    assert left["stalled"] == pytest.approx(410 * 80 / 20)  # the average since the start
    assert left["done"] is None
    assert left["texts"] == ["almost done", "about 45 s left", "about 1 min left", "about 2 h left"]


def test_prompts_the_script_stage_would_fail_on_are_refused_before_sending(studio_page):
    verdicts = run(
        studio_page,
        "checks.js",
        "(m, texts) => texts.map((t) => m.textProblem(t))",
        ["", "   \n\t", "🐋🌊✨", "!!! ???", "A whale 🐋", "灯台", "x" * 2001],
    )
    assert [v is None for v in verdicts] == [False, False, False, False, True, True, False]
    assert "only spaces" in verdicts[1] and "emoji" in verdicts[2]


def test_a_duplicates_title_counts_its_copies(studio_page):
    titles = run(
        studio_page,
        "views/project-menu.js",
        "(m) => ['The Keeper', 'The Keeper (copy)', 'The Keeper (copy 2)', '', 'x'.repeat(200)]"
        ".map(m.copyTitle)",
    )
    assert titles[:4] == [
        "The Keeper (copy)",
        "The Keeper (copy 2)",
        "The Keeper (copy 3)",
        "Untitled (copy)",
    ]
    assert len(titles[4]) == 200 and titles[4].endswith(" (copy)")
