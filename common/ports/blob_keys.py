"""Blob keys: the one rule every BlobStore adapter applies before it touches storage (and the
local media route before it serves a file). It lives with the port, above the adapters (STYLE 3).

A key is a relative, '/'-separated path such as ``jobs/<id>/video.mp4``. Every adapter refuses
the same malformed keys, so a key that works on the local folder works in Cloud Storage and back.
"""

from __future__ import annotations

from common.domain.errors import InvalidInputError

# Adapters name their temp files with this prefix (the folder store's writes, downloads to a
# local path); keys may not use it, so a temp file is never mistaken for a blob.
TEMP_PREFIX = ".sgtmp-"

# How long blobs under these prefixes live, in days from their last write: the media bucket's
# lifecycle rules in the cloud (infra/terraform/storage.tf, whose defaults a test holds to these),
# the housekeeping on the tick for a local folder. Scratch, encoded segments (a cache: one
# deleted is encoded again when an edit needs it), and large uploads never completed.
LIFECYCLE_DAYS = {"tmp/": 1, "cache/segments/": 30, "incoming/": 1}


def key_problem(key: str) -> str | None:
    """What is wrong with `key`, or None when it is a well-formed relative key."""
    if not isinstance(key, str) or not key:
        return "must not be empty"
    if "\x00" in key:
        return "must not contain NUL"
    if "\\" in key:
        return "must not contain backslashes"
    if key.startswith("/"):
        return "must be relative"
    for segment in key.split("/"):
        if not segment:
            return "must not have empty segments"
        if segment in (".", ".."):
            return "must not contain '.' or '..' segments"
        if segment.startswith(TEMP_PREFIX):
            return f"segments must not start with {TEMP_PREFIX!r}"
    return None


class BlobKeyError(InvalidInputError):
    """A malformed key. The key is not repeated in the message: it may carry an owner's ids and
    says where the server keeps things, which is nobody's business outside it."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"bad blob key: {problem}", fields={"key": problem})


def check_key(key: str) -> str:
    """`key` itself when well formed; BlobKeyError naming the ``key`` field otherwise."""
    problem = key_problem(key)
    if problem is not None:
        raise BlobKeyError(problem)
    return key
