"""The YouTube Data API v3 client: google-api-python-client built from the discovery document
it ships (no discovery fetch at run time), over google-auth's requests session with the user's
access token.

The transport is requests, not httplib2: httplib2 silently sends a request again when the
connection drops before the answer (a resumable upload's whole chunk, from its first byte),
while the resumable protocol wants the client to ask the server where it got to and go on from
there, which google-api-python-client does when the transport reports the drop. Automatic token
refresh inside the HTTP layer is off too: a 401 comes back as an HttpError so the connection
service refreshes (and marks the account "reconnect" when Google revoked it).
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


class RequestsHttp:
    """The httplib2 interface google-api-python-client calls (`request` -> (response, body)),
    on a requests session that never repeats a request by itself."""

    def __init__(self, session: Any, timeout_s: float) -> None:
        self._session = session
        self._timeout_s = timeout_s

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: dict[str, str] | None = None,
        redirections: int = 5,
        connection_type: Any = None,
    ) -> tuple[Any, bytes]:
        import httplib2

        if hasattr(body, "read"):  # a slice of a media stream
            body = body.read()
        answer = self._session.request(
            method,
            uri,
            data=body,
            headers=headers,
            timeout=self._timeout_s,
            allow_redirects=False,
        )
        info = {k.lower(): v for k, v in answer.headers.items()}
        info["status"] = str(answer.status_code)
        return httplib2.Response(info), answer.content

    def close(self) -> None:
        self._session.close()


def authorized_http(access_token: str, *, timeout_s: float = HTTP_TIMEOUT_S) -> RequestsHttp:
    """The bearer token on every request, no refresh of its own, no silent repeats."""
    from google.auth.transport.requests import AuthorizedSession
    from google.oauth2.credentials import Credentials

    session = AuthorizedSession(
        Credentials(token=access_token),  # type: ignore[no-untyped-call]
        refresh_status_codes=(),
    )
    return RequestsHttp(session, timeout_s)


def youtube_service(
    access_token: str, api_root: str, *, timeout_s: float = HTTP_TIMEOUT_S, http: Any = None
) -> Any:
    """A `youtube` v3 resource on `api_root` (Google's, or a stand-in's)."""
    from googleapiclient.discovery import build_from_document

    document = json.loads(_document())
    document["rootUrl"] = api_root.rstrip("/") + "/"
    http = http if http is not None else authorized_http(access_token, timeout_s=timeout_s)
    return build_from_document(document, http=http)
