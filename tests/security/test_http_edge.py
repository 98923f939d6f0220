"""The security table, continued: the HTTP edge (issue 16, items 6-9 and 12-19).

Run on the same world as test_security_table.py (Firebase auth on, Alice owning a project with
a story, a job and an upload, Bob her neighbour).

| case                                                 | expected                                 |
|------------------------------------------------------|------------------------------------------|
| a date at the end of the calendar (9999-12-31) in    | 400 naming the parameter, never a 500    |
| `from`/`to` of /v1/schedules, /v1/analytics/usage    |                                          |
| an upload that starts like a PNG or an MP4 and does  | 400 naming `body`, saying what is wrong; |
| not decode                                           | no server path, temp file or blob key    |
"""

from __future__ import annotations

import pytest

from tests.security.conftest import ALICE, error_of

# What an error body must never show: where the server keeps things.
INTERNALS = ("/tmp", "storygenius-upload", "uploads/", ".storygenius", "Traceback")


def assert_no_internals(response) -> None:
    text = response.get_data(as_text=True)
    leaked = [word for word in INTERNALS if word in text]
    assert not leaked, f"{leaked} in {text}"


# -- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/schedules", "/v1/analytics/usage"])
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("from=9999-12-30&to=9999-12-31", "from"),
        ("from=2026-01-01&to=9999-12-31", "to"),
        ("from=9999-12-31T23:59:59%2B00:00", "from"),
        ("from=0001-01-01&to=2026-01-01", "from"),
    ],
)
def test_a_date_at_the_end_of_the_calendar_is_a_400_naming_the_parameter(world, path, query, named):
    response = world.api.get(f"{path}?{query}", headers=ALICE)
    error = error_of(response, 400)
    assert error["code"] == "invalid_argument"
    assert named in error["fields"]


# -- error bodies ---------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("image/png", PNG_SIGNATURE + b"\x00\x00\x00\rIHDR" + b"garbage" * 40),
        ("video/mp4", MP4_HEAD + b"\x00" * 500),
    ],
    ids=["png", "mp4"],
)
def test_an_upload_that_does_not_decode_says_so_without_naming_server_paths(
    world, content_type, body
):
    response = world.api.post(
        f"/v1/projects/{world.project.id}/uploads",
        data=body,
        content_type=content_type,
        headers=ALICE,
    )
    error = error_of(response, 400)
    assert "does not decode" in error["fields"]["body"]
    assert_no_internals(response)
