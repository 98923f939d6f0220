"""A stand-in for the Google Cloud metadata server, as the OpenTelemetry GCP resource detector
reads it: `GET /computeMetadata/v1/?recursive=true` (the whole tree as JSON) and
`GET /computeMetadata/v1/instance/` (is there a metadata server?), both only with the
`Metadata-Flavor: Google` header (403 without, as the real one answers)."""

from __future__ import annotations

from typing import Any

from tests.stubs.http_stub import Reply, Request, StubServer

ROOT = "/computeMetadata/v1/"


class MetadataStub(StubServer):
    def __init__(
        self, project: str, region: str = "europe-west1", instance: str = "0a1b2c"
    ) -> None:
        self.tree: dict[str, Any] = {
            "project": {"projectId": project, "numericProjectId": 123456789},
            "instance": {
                "id": instance,
                "region": f"projects/123456789/regions/{region}",
                "zone": f"projects/123456789/zones/{region}-1",
                "attributes": {},
            },
        }
        super().__init__()

    @property
    def base_url(self) -> str:
        return f"{self.url}{ROOT}"

    def route(self, request: Request) -> str:
        if request.path == ROOT and request.query.get("recursive") == "true":
            return "tree"
        return "instance" if request.path == f"{ROOT}instance/" else "unknown"

    def respond(self, route: str, request: Request) -> Reply:
        if request.headers.get("metadata-flavor") != "Google":
            return Reply(403, {"error": "missing Metadata-Flavor: Google"})
        if route == "tree":
            return Reply(200, self.tree)
        if route == "instance":
            return Reply(200, self.tree["instance"])
        return Reply(404, {"error": request.path})
