"""The help desk's admin of matchmaking: suggestions and matches on each request, projects."""

from . import matches, projects, suggestions  # noqa: F401  (register the admin classes)
