"""The admin of monitoring, one module per area."""

from . import records, runs  # noqa: F401
