"""The record types a content reviewer may check against the quality standards.

``chm_portal`` knows no domain app by name: each app registers its reviewable models from its
own module, imported by its ``AppConfig.ready()`` (``elearning/quality.py`` registers courses,
``partners/quality.py`` resources and events)::

    register_reviewable(
        Course,
        kind="course",
        url=lambda course: reverse("elearning:authoring_preview", args=[course.pk]),
        on_decision=course_review_decided,
    )

- ``kind`` names the record type in the standards' ``applies_to`` and in the queue's filter;
- ``title`` and ``url`` say what the item is called and where a reviewer reads it (by default
  ``str(item)`` and ``item.get_absolute_url()``);
- ``on_decision(item=, review=, by=)`` is called by
  :func:`chm_portal.quality.services.complete_review` inside its transaction, so that the item
  follows the decision (a course is published or goes back to draft) or nothing changes at all;
- ``candidates`` (optional) returns the items a reviewer may open a review of from the queue
  page (published resources and events); items without it are reviewed when their authors
  submit them (courses).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet

__all__ = [
    "Reviewable",
    "register_reviewable",
    "registered",
    "reviewable_for",
    "reviewable_for_content_type",
    "reviewable_for_kind",
]

Decision = Callable[..., None]


def _default_title(item: Model) -> str:
    return str(item)


def _default_url(item: Model) -> str:
    get_url = getattr(item, "get_absolute_url", None)
    return get_url() if get_url else ""


@dataclass(frozen=True)
class Reviewable:
    """How the quality mechanism handles one record type."""

    model: type[Model]
    kind: str
    title_of: Callable[[Model], str]
    url_of: Callable[[Model], str]
    on_decision: Decision | None = None
    candidates: Callable[[], QuerySet] | None = None

    @property
    def label(self) -> Any:
        """The record type's name ("course", "resource"...), translated."""
        return self.model._meta.verbose_name

    def content_type(self) -> ContentType:
        # ContentType's manager caches: one query per type and process.
        return ContentType.objects.get_for_model(self.model)

    def title(self, item: Model) -> str:
        return str(self.title_of(item))[:300]

    def url(self, item: Model) -> str:
        return self.url_of(item) or ""


_BY_KIND: dict[str, Reviewable] = {}


def register_reviewable(
    model: type[Model],
    *,
    kind: str,
    title: Callable[[Model], str] | None = None,
    url: Callable[[Model], str] | None = None,
    on_decision: Decision | None = None,
    candidates: Callable[[], QuerySet] | None = None,
) -> Reviewable:
    """Declare ``model`` reviewable as ``kind``. Registering the same model again replaces its
    entry (a reloaded module); another model under a taken kind is a configuration error."""
    existing = _BY_KIND.get(kind)
    if existing is not None and existing.model._meta.label != model._meta.label:
        raise ImproperlyConfigured(
            f"The quality review kind {kind!r} is already registered for {existing.model}."
        )
    reviewable = Reviewable(
        model=model,
        kind=kind,
        title_of=title or _default_title,
        url_of=url or _default_url,
        on_decision=on_decision,
        candidates=candidates,
    )
    _BY_KIND[kind] = reviewable
    return reviewable


def registered() -> list[Reviewable]:
    """Every reviewable record type, in the order of registration."""
    return list(_BY_KIND.values())


def reviewable_for_kind(kind: str) -> Reviewable | None:
    return _BY_KIND.get(kind)


def reviewable_for(item_or_model: Model | type[Model]) -> Reviewable:
    """The entry of a record (or record type); ``LookupError`` when it is not reviewable."""
    model = item_or_model if isinstance(item_or_model, type) else type(item_or_model)
    label = model._meta.concrete_model._meta.label
    for reviewable in _BY_KIND.values():
        if reviewable.model._meta.label == label:
            return reviewable
    raise LookupError(f"{label} is not registered as reviewable (chm_portal.quality.registry).")


def reviewable_for_content_type(content_type: ContentType) -> Reviewable | None:
    """The entry of the record type a review points at (None when no longer registered)."""
    label = f"{content_type.app_label}.{content_type.model}"
    for reviewable in _BY_KIND.values():
        if reviewable.model._meta.label_lower == label:
            return reviewable
    return None
