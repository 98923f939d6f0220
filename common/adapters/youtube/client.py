"""The YouTube Data API v3 client: google-api-python-client built from the discovery document
it ships (no discovery fetch at run time), over httplib2 with the user's access token.

Automatic token refresh inside the HTTP layer is off: a 401 comes back as an HttpError so the
connection service refreshes (and marks the account "reconnect" when Google revoked it).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

HTTP_TIMEOUT_S = 60


@cache
def _document() -> str:
    from googleapiclient.discovery_cache import get_static_doc

    doc = get_static_doc("youtube", "v3")
    assert doc is not None, "google-api-python-client ships youtube.v3.json"
    return str(doc)


def authorized_http(access_token: str, *, timeout_s: float = HTTP_TIMEOUT_S) -> Any:
    """httplib2 with the bearer token on every request and no refresh of its own."""
    import google_auth_httplib2
    import httplib2
    from google.oauth2.credentials import Credentials

    return google_auth_httplib2.AuthorizedHttp(
        Credentials(token=access_token),  # type: ignore[no-untyped-call]
        http=httplib2.Http(timeout=timeout_s),
        refresh_status_codes=(),
    )


def youtube_service(
    access_token: str, api_root: str, *, timeout_s: float = HTTP_TIMEOUT_S, http: Any = None
) -> Any:
    """A `youtube` v3 resource on `api_root` (Google's, or a stand-in's)."""
    from googleapiclient.discovery import build_from_document

    document = json.loads(_document())
    document["rootUrl"] = api_root.rstrip("/") + "/"
    http = http if http is not None else authorized_http(access_token, timeout_s=timeout_s)
    return build_from_document(document, http=http)
