"""The admin of monitoring, one module per area."""

from . import nodes, records, runs  # noqa: F401
