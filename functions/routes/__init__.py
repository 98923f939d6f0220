"""The API's routes, one module per area; importing this package registers them all."""

from functions.routes import jobs, projects

__all__ = ["jobs", "projects"]
