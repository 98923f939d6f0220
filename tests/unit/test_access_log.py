"""The local server's access log names paths without their query strings (issue 16 item 10:
a signed /media link's signature, or an OAuth callback's code, must not land in a log)."""

from __future__ import annotations

import logging

from functions.edge import JsonErrorsHandler


def test_an_access_log_line_keeps_the_path_and_drops_the_signature(caplog):
    handler = JsonErrorsHandler.__new__(JsonErrorsHandler)
    handler.command, handler.request_version = "GET", "HTTP/1.1"
    handler.path = "/media/jobs/j1/video.mp4?expires=1790000000&sig=c2VjcmV0LXNpZ25hdHVyZQ"
    handler.requestline = f"GET {handler.path} HTTP/1.1"
    handler.client_address = ("127.0.0.1", 50000)
    caplog.set_level(logging.INFO, logger="werkzeug")
    handler.log_request(200, 1234)
    assert "GET /media/jobs/j1/video.mp4 HTTP/1.1" in caplog.text
    assert "sig=" not in caplog.text and "c2VjcmV0" not in caplog.text
    assert handler.path.endswith("sig=c2VjcmV0LXNpZ25hdHVyZQ")  # the request itself is intact
