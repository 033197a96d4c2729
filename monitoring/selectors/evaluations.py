"""Reads of evaluation records (activity 9, "evaluations done"): the public ones only; the
help desk reads and writes drafts in the admin."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import ExtractYear

from ..models import Evaluation


def published_evaluations() -> QuerySet[Evaluation]:
    """Published evaluations, the most recently completed first: one query, no relation read."""
    return Evaluation.objects.filter(status=Evaluation.Status.PUBLISHED).order_by(
        "-evaluated_on", "-pk"
    )


def published_evaluation(pk: int) -> Evaluation | None:
    """One published evaluation; None for drafts and unknown ids."""
    return published_evaluations().filter(pk=pk).first()


def evaluation_years() -> list[int]:
    """The years in which published evaluations were completed, latest first (filter choices)."""
    return list(
        published_evaluations()
        .annotate(year=ExtractYear("evaluated_on"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
