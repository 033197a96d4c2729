"""The admin of e-learning, one module per area."""

from . import alumni, communities, courses  # noqa: F401
