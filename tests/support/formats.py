"""A story format for tests: four parts from hook to resolution (common/domain/formats.py)."""

from __future__ import annotations

from typing import Any

from common.domain.formats import StoryFormat


def a_format(*parts: tuple[str, str, float], **changes: Any) -> StoryFormat:
    """A format with `parts` as (name, beat, share) (by default a scary story's four), the rest
    of its fields from `changes`."""
    parts = parts or (
        ("hook", "hook", 0.15),
        ("build", "development", 0.45),
        ("twist", "turn", 0.25),
        ("end", "resolution", 0.15),
    )
    data = {
        "id": "scary-story",
        "name": "Scary story",
        "hook": "Open on the one detail that is wrong.",
        "parts": [
            {"name": name, "beat": beat, "purpose": f"the {name}", "share": share}
            for name, beat, share in parts
        ],
        "pacing": "slow",
        "palette": ["#0B0C10", "#1f2833", "#c5c6c7"],
    }
    return StoryFormat.model_validate({**data, **changes})
