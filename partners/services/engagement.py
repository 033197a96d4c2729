"""Downloads of resources and applications to opportunities (see partners/services/__init__.py)."""

from __future__ import annotations

__all__: list[str] = []
