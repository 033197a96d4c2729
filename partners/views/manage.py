"""Views: manage."""

from __future__ import annotations

urlpatterns: list = []
