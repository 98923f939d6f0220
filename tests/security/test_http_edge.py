"""The security table, continued: the HTTP edge (issue 16, items 6-9 and 12-19).

Run on the same world as test_security_table.py (Firebase auth on, Alice owning a project with
a story, a job and an upload, Bob her neighbour).

| case                                                 | expected                                 |
|------------------------------------------------------|------------------------------------------|
| a date at the end of the calendar (9999-12-31) in    | 400 naming the parameter, never a 500    |
| `from`/`to` of /v1/schedules, /v1/analytics/usage    |                                          |
"""

from __future__ import annotations

import pytest

from tests.security.conftest import ALICE, error_of

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
def test_a_date_at_the_end_of_the_calendar_is_a_400_naming_the_parameter(
    world, path, query, named
):
    response = world.api.get(f"{path}?{query}", headers=ALICE)
    error = error_of(response, 400)
    assert error["code"] == "invalid_argument"
    assert named in error["fields"]
